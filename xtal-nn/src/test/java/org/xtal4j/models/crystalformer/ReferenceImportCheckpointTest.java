package org.xtal4j.models.crystalformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.io.HostTensor;
import org.xtal4j.nn.io.NamedTensors;
import org.xtal4j.nn.io.TorchZipWriter;
import org.xtal4j.nn.model.ModelFile;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Weights;

/**
 * Import of a small hand-written Lightning-style checkpoint (no shared data): the chosen copy of the weights,
 * the stored target statistics and the AttributeDict hyper-parameters end up in the model file.
 */
class ReferenceImportCheckpointTest {

    private static final CrystalformerConfig TINY = CrystalformerConfig.builder().numLayers(1).modelDim(16)
            .headNum(2).ffDim(16).embeddingDim(List.of(8)).valuePeDistReal(4).build();

    private static NamedTensors randomWeights(long seed) {
        CrystalformerPlugin plugin = new CrystalformerPlugin();
        ModelSetup setup = new ModelSetup(TINY, Normalisation.identity(List.of("e_form")), List.of(),
                Precision.FLOAT32);
        try (NDManager m = Backend.get().newManager()) {
            Backend.get().seed(seed);
            var block = plugin.newBlock(setup);
            plugin.initialize(block, m, setup);
            return Weights.save(plugin.namedParameters(block), Map.of());
        }
    }

    private static Map<String, Object> hyperParameters() {
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("seed", 123L);
        hp.put("lr", 5e-4);
        hp.put("sch_params", List.of(4000.0));
        hp.put("targets", "e_form");
        hp.put("num_layers", 1L);
        hp.put("model_dim", 16L);
        hp.put("head_num", 2L);
        hp.put("ff_dim", 16L);
        hp.put("k_dim", 0L);
        hp.put("embedding_dim", List.of(8L));
        hp.put("value_pe_dist_real", 4L);
        hp.put("value_pe_dist_max", -10.0);
        hp.put("scale_real", List.of(1.4));
        hp.put("minimum_range", true);
        hp.put("value_pe_headed", true);
        hp.put("pretrained_model", null);
        hp.put("use_cuda_code", true);
        return hp;
    }

    private static Path checkpoint(Path dir, NamedTensors swa, NamedTensors raw, boolean withHp) throws Exception {
        Map<String, Object> sd = new LinkedHashMap<>();
        sd.put("target_std", HostTensor.ofFloats(new float[] {0.75f}, 1));
        sd.put("target_mean", HostTensor.ofFloats(new float[] {-2.5f}, 1));
        raw.tensors().forEach((k, v) -> sd.put("model." + k, v));
        sd.put("swa_model.n_averaged", HostTensor.ofLongs(new long[] {50}));
        swa.tensors().forEach((k, v) -> sd.put("swa_model.module." + k, v));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("epoch", 499L);
        root.put("global_step", 234500L);
        root.put("pytorch-lightning_version", "2.1.0");
        root.put("state_dict", new TorchZipWriter.OrderedDict(sd));
        root.put("optimizer_states", List.of(Map.of("param_groups", List.of(Map.of("lr", 1e-4)))));
        root.put("hparams_name", "kwargs");
        if (withHp) {
            root.put("hyper_parameters", new TorchZipWriter.AttributeDict(hyperParameters()));
        }
        Path file = dir.resolve(withHp ? "tiny.ckpt" : "nohp.ckpt");
        TorchZipWriter.write(file, "archive", root);
        return file;
    }

    @Test
    void importsTheChosenWeightsWithStoredStatisticsAndHyperParameters(@TempDir Path dir) throws Exception {
        NamedTensors swa = randomWeights(1);
        NamedTensors raw = randomWeights(2);
        assertThat(swa.get("mlp.3.weight")).isNotEqualTo(raw.get("mlp.3.weight"));
        Path ckpt = checkpoint(dir, swa, raw, true);
        for (ReferenceImport.WeightsSource source : ReferenceImport.WeightsSource.values()) {
            ModelFile mf = ReferenceImport.builder().weights(source).build().fromCheckpoint(ckpt);
            NamedTensors want = source == ReferenceImport.WeightsSource.SWA ? swa : raw;
            assertThat(mf.weights().names()).as(source.name()).isEqualTo(want.names());
            for (String n : want.names()) {
                assertThat(mf.weights().get(n)).as(source + " " + n).isEqualTo(want.get(n));
            }
            assertThat(CrystalformerConfig.fromJson(mf.hyperParameters())).isEqualTo(TINY);
            Normalisation.Target t = mf.normalisation().targets().get(0);
            assertThat(t.name()).isEqualTo("e_form");
            assertThat(t.mean()).isEqualTo(-2.5);
            assertThat(t.std()).isEqualTo(0.75);
            assertThat(mf.provenance().extra().get("reference_weights").asText())
                    .isEqualTo(source.name().toLowerCase());
        }
        // explicit statistics and target name win
        ModelFile mf = ReferenceImport.builder().targetMean(1.0).targetStd(2.0).targetName("band_gap")
                .box(CrystalformerConfig.BoxSemantics.FIXED).build().fromCheckpoint(ckpt);
        assertThat(mf.normalisation().targets().get(0)).isEqualTo(new Normalisation.Target("band_gap", "", 1.0, 2.0));
        assertThat(mf.hyperParameters().get("box").asText()).isEqualTo("fixed");
    }

    @Test
    void checkpointWithoutHyperParametersNeedsAParamsFile(@TempDir Path dir) throws Exception {
        NamedTensors swa = randomWeights(3);
        Path ckpt = checkpoint(dir, swa, swa, false);
        assertThatThrownBy(() -> ReferenceImport.builder().build().fromCheckpoint(ckpt))
                .hasMessageContaining("nohp.ckpt").hasMessageContaining("no hyper_parameters");
        ModelFile mf = ReferenceImport.builder().params(new ObjectMapper().valueToTree(hyperParameters())).build()
                .fromCheckpoint(ckpt);
        assertThat(mf.weights().size()).isEqualTo(swa.size());
        // a bare torch.save(model.state_dict()) with params
        Path bare = dir.resolve("bare.pt");
        TorchZipWriter.write(bare, "bare", new TorchZipWriter.OrderedDict(swa.tensors()));
        mf = ReferenceImport.builder().params(new ObjectMapper().valueToTree(hyperParameters())).targetMean(0.0)
                .targetStd(1.0).build().fromCheckpoint(bare);
        assertThat(mf.weights().get("mlp.0.weight")).isEqualTo(swa.get("mlp.0.weight"));
        // hyper-parameters that do not fit the weights
        Map<String, Object> wrong = hyperParameters();
        wrong.put("model_dim", 32L);
        assertThatThrownBy(() -> ReferenceImport.builder().params(new ObjectMapper().valueToTree(wrong)).build()
                .fromCheckpoint(ckpt)).hasMessageContaining("do not fit the hyper-parameters");
    }
}
