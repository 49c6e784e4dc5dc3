package org.xtal4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.models.crystalformer.CrystalformerConfig;
import org.xtal4j.models.crystalformer.CrystalformerPlugin;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.io.NamedTensors;
import org.xtal4j.nn.io.Safetensors;
import org.xtal4j.nn.model.ModelFile;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Weights;
import org.xtal4j.testing.SharedData;

class ImportCommandTest {

    private static final String TINY_PARAMS = """
            {"seed": 1, "lr": 0.001, "num_layers": 1, "model_dim": 16, "head_num": 2, "ff_dim": 16,
             "embedding_dim": [8], "value_pe_dist_real": 4, "targets": "e_form", "k_dim": 0,
             "use_cuda_code": false, "value_pe_headed": true}
            """;

    /** A randomly initialised tiny model's state dict with reference names, as the reference would save it. */
    private static NamedTensors tinyStateDict() {
        CrystalformerConfig cfg = CrystalformerConfig.builder().numLayers(1).modelDim(16).headNum(2).ffDim(16)
                .embeddingDim(List.of(8)).valuePeDistReal(4).build();
        CrystalformerPlugin plugin = new CrystalformerPlugin();
        ModelSetup setup = new ModelSetup(cfg, Normalisation.identity(List.of("e_form")), List.of(),
                Precision.FLOAT32);
        try (NDManager m = Backend.get().newManager()) {
            var block = plugin.newBlock(setup);
            plugin.initialize(block, m, setup);
            return Weights.save(plugin.namedParameters(block), Map.of());
        }
    }

    @Test
    void importsASafetensorsStateDictWithParams(@TempDir Path dir) throws Exception {
        NamedTensors sd = tinyStateDict();
        Path st = dir.resolve("tiny.safetensors");
        Safetensors.write(st, sd);
        Path params = dir.resolve("tiny.json");
        Files.writeString(params, TINY_PARAMS);
        Path out = dir.resolve("tiny.xtal");
        Cli.Result r = Cli.run("import", st.toString(), "--params", params.toString(), "--target-mean", "-1.5",
                "--target-std", "0.25", "-o", out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).contains("tiny.xtal").contains("e_form").contains("fixed box");
        ModelFile mf = ModelFile.read(out);
        assertThat(mf.modelType()).isEqualTo("crystalformer");
        assertThat(mf.hyperParameters().get("model_dim").asInt()).isEqualTo(16);
        assertThat(mf.hyperParameters().get("box").asText()).isEqualTo("fixed"); // use_cuda_code false
        Normalisation.Target t = mf.normalisation().targets().get(0);
        assertThat(t.name()).isEqualTo("e_form");
        assertThat(t.mean()).isEqualTo(-1.5);
        assertThat(t.std()).isEqualTo(0.25);
        assertThat(mf.weights().names()).isEqualTo(sd.names());
        for (String n : sd.names()) {
            assertThat(mf.weights().get(n)).as(n).isEqualTo(sd.get(n));
        }
        assertThat(mf.provenance().extra().get("imported_from").asText()).isEqualTo(st.toString());
    }

    @Test
    void unsupportedOptionsAndBadInputsAreReported(@TempDir Path dir) throws Exception {
        Path st = dir.resolve("tiny.safetensors");
        Safetensors.write(st, tinyStateDict());
        Path params = dir.resolve("p.json");
        Files.writeString(params, TINY_PARAMS.replace("\"value_pe_headed\": true", "\"value_pe_headed\": false"));
        Path out = dir.resolve("x.xtal");
        Cli.Result r = Cli.run("import", st.toString(), "--params", params.toString(), "--target-mean", "0",
                "--target-std", "1", "-o", out.toString());
        assertThat(r.status()).as(r.toString()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(r.err()).contains("value_pe_headed").contains("not supported");
        assertThat(out).doesNotExist();

        Path junk = dir.resolve("junk.ckpt");
        Files.writeString(junk, "not a checkpoint");
        r = Cli.run("import", junk.toString(), "-o", out.toString());
        assertThat(r.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(r.err()).contains("junk.ckpt").contains("not a PyTorch checkpoint");

        r = Cli.run("import", junk.toString(), "--weights", "ema", "-o", out.toString());
        assertThat(r.status()).isEqualTo(Xtal.USAGE);
        assertThat(r.err()).contains("--weights must be swa or model");
        r = Cli.run("import", junk.toString(), "--target-mean", "1", "-o", out.toString());
        assertThat(r.status()).isEqualTo(Xtal.USAGE);
        r = Cli.run("import", st.toString(), "-o", out.toString());
        assertThat(r.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(r.err()).contains("--params");
    }

    @Test
    @Tag("shared")
    void importsTheFixtureLightningCheckpoint(@TempDir Path dir) throws Exception {
        Path ckpt = SharedData.resolve("testdata/crystalformer-parity/weights/default-lightning.ckpt");
        Path out = dir.resolve("default.xtal");
        Cli.Result r = Cli.run("import", ckpt.toString(), "-o", out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).contains("swa weights").contains("adaptive box").contains("synth");
        ModelFile mf = ModelFile.read(out);
        NamedTensors ref = Safetensors.read(SharedData.resolve("testdata/crystalformer-parity/weights/default.safetensors"));
        assertThat(mf.weights().names()).isEqualTo(ref.names());
        for (String n : ref.names()) {
            assertThat(mf.weights().get(n)).as(n).isEqualTo(ref.get(n));
        }
        Path outModel = dir.resolve("model.xtal");
        r = Cli.run("import", ckpt.toString(), "--weights", "model", "--target", "y", "-o", outModel.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        ModelFile raw = ModelFile.read(outModel);
        assertThat(raw.normalisation().names()).containsExactly("y");
        assertThat(raw.weights().get("mlp.3.bias")).isNotEqualTo(ref.get("mlp.3.bias"));
    }
}
