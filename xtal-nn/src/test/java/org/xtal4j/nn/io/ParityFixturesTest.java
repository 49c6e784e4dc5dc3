package org.xtal4j.nn.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xtal4j.testing.SharedData;

/** The shared parity fixtures (written by the Python reference tooling) load with the documented layout. */
@Tag("shared")
class ParityFixturesTest {

    @Test
    void crystalformerInputsHaveTheDocumentedTensors() throws Exception {
        Path dir = SharedData.resolve("testdata/crystalformer-parity");
        NamedTensors in = Safetensors.read(dir.resolve("inputs.safetensors"));
        // README: x (45,98) F32, pos (45,3) F32, trans_vec (10,3,3) F32, sizes (10) I64, batch (45) I64,
        // edge_i/edge_j (485) I64, targets (10) F32, target_mean (1) F32, target_std (1) F32
        assertThat(in.get("x", 45, 98).dtype()).isEqualTo(DType.F32);
        assertThat(in.get("pos", 45, 3).dtype()).isEqualTo(DType.F32);
        assertThat(in.get("trans_vec", 10, 3, 3).dtype()).isEqualTo(DType.F32);
        assertThat(in.get("sizes", 10).dtype()).isEqualTo(DType.I64);
        assertThat(in.get("batch", 45).dtype()).isEqualTo(DType.I64);
        assertThat(in.get("edge_i", 485).dtype()).isEqualTo(DType.I64);
        assertThat(in.get("edge_j", 485).dtype()).isEqualTo(DType.I64);
        assertThat(in.get("targets", 10).toFloatArray())
                .containsExactly(-0.42f, 0.17f, -1.93f, -3.35f, -0.88f, -1.72f, -1.55f, 0.31f, -0.26f, -3.21f);
        assertThat(in.get("target_mean", 1).toDoubleArray()[0]).isEqualTo(-1.284000039100647);
        assertThat(in.get("target_std", 1).toDoubleArray()[0]).isEqualTo(1.2356876134872437);
        // the crystals' atom counts (README table) sum to 45 and their squares to 485 edges
        long[] sizes = in.get("sizes").toLongArray();
        assertThat(sizes).containsExactly(1, 1, 2, 5, 3, 4, 4, 3, 2, 20);
        // disordered site: atom 24 has 0.5 at index 25 (Fe) and 0.4 at index 26 (Co)
        float[] x = in.get("x").toFloatArray();
        assertThat(x[24 * 98 + 25]).isEqualTo(0.5f);
        assertThat(x[24 * 98 + 26]).isEqualTo(0.4f);
    }

    @Test
    void crystalformerWeightsMatchModelsJson() throws Exception {
        Path dir = SharedData.resolve("testdata/crystalformer-parity");
        JsonNode models = new ObjectMapper().readTree(dir.resolve("models.json").toFile());
        for (String model : List.of("default", "small")) {
            JsonNode m = models.get(model);
            NamedTensors w = Safetensors.read(dir.resolve("weights").resolve(model + ".safetensors"));
            long total = 0;
            for (JsonNode p : m.get("state_dict")) {
                long[] shape = new long[p.get("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = p.get("shape").get(i).asLong();
                }
                HostTensor t = w.get(p.get("name").asText(), shape);
                assertThat(t.dtype()).isEqualTo(DType.F32);
                total += t.numElements();
            }
            assertThat(w.size()).as(model).isEqualTo(m.get("state_dict").size());
            assertThat(total).as(model).isEqualTo(m.get("n_params").asLong());
        }
        NamedTensors small = Safetensors.read(dir.resolve("weights/small.safetensors"));
        // README: gauss_scale of the small model, layer 0 = [17.379339, -2.6939975e-05]
        float[] g = small.get("encoder.layers.0.self_attn.gauss_scale", 2).toFloatArray();
        assertThat(g[0]).isCloseTo(17.379339f, within(1e-5f));
        assertThat(g[1]).isCloseTo(-2.6939975e-05f, within(1e-11f));
        assertThat(small.get("input_embeddings.weight", 64, 98)).isNotNull();
    }

    @Test
    void siteNetWeightsHaveTheDocumentedNamesAndCount() throws Exception {
        Path dir = SharedData.resolve("testdata/sitenet-parity");
        NamedTensors w = Safetensors.read(dir.resolve("model_weights.safetensors"));
        // README §3.1: 63 tensors, 304,085 values, float32
        assertThat(w.size()).isEqualTo(63);
        assertThat(w.tensors().values().stream().mapToLong(HostTensor::numElements).sum()).isEqualTo(304_085);
        assertThat(w.get("decoder.weight", 1, 200).dtype()).isEqualTo(DType.F32);
        assertThat(w.get("encoder.site_featurization.weight", 90, 101)).isNotNull();
        assertThat(w.get("encoder.interaction_featurization.weight", 48, 2)).isNotNull();
        assertThat(w.get("encoder.Attention_Blocks.1.pre_softmax_linear.weight", 3, 225)).isNotNull();
        assertThat(w.get("encoder.Attention_Blocks.0.global_linear.norm_layers.0.Norm.weight", 90)).isNotNull();
    }

    @Test
    void everyParityFileIsValid() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Stream.concat(
                Files.walk(SharedData.resolve("testdata/crystalformer-parity")),
                Files.walk(SharedData.resolve("testdata/sitenet-parity")))) {
            files = s.filter(p -> p.toString().endsWith(".safetensors")).sorted().collect(Collectors.toList());
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(25);
        long tensors = 0;
        for (Path f : files) {
            NamedTensors t = Safetensors.read(f);
            assertThat(t.size()).as(f.toString()).isPositive();
            tensors += t.size();
            // reading back what we write gives identical tensors and metadata
            assertThat(Safetensors.read(Safetensors.toBytes(t), "copy")).isEqualTo(t);
        }
        assertThat(tensors).isGreaterThan(100);
    }
}
