package org.xtal4j.models.crystalformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.io.NamedTensors;
import org.xtal4j.nn.io.Safetensors;
import org.xtal4j.nn.model.Batch;
import org.xtal4j.nn.model.ModelFile;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Weights;

/**
 * Importing the fixture's Lightning checkpoint (weights/default-lightning.ckpt, a torch.save zip): the SWA
 * weights with the stored target mean/std reproduce the reference's {@code default} predictions on the
 * fixture batch; the raw {@code model.*} weights (the SWA ones plus noise) do not.
 */
@Tag("shared")
class ReferenceImportTest {

    private static final Path DIR = CrystalformerParityTest.dir();

    /** De-normalised predictions of an imported model file (written and read back) on the fixture batch. */
    static double[] predict(ModelFile imported, Path tmp, Precision precision) throws Exception {
        Path file = tmp.resolve("imported.xtal");
        imported.write(file);
        ModelFile mf = ModelFile.read(file);
        CrystalformerPlugin plugin = new CrystalformerPlugin();
        ModelSetup setup = ModelSetup.of(mf, plugin, precision);
        NamedTensors in = Safetensors.read(DIR.resolve("inputs.safetensors"));
        try (NDManager root = Backend.get().newManager()) {
            CrystalformerBlock block = (CrystalformerBlock) plugin.newBlock(setup);
            plugin.initialize(block, root, setup);
            Weights.load(plugin.namedParameters(block), mf.weights(), true);
            try (NDManager sm = root.newSubManager();
                 Batch batch = plugin.collate(CrystalformerParityTest.samples(in), sm, setup)) {
                NDArray z = plugin.forward(block, new ParameterStore(sm, false), batch, false, false, setup).get(0);
                double[] zn = z.toType(DataType.FLOAT64, false).toDoubleArray();
                var t = setup.normalisation().targets().get(0);
                double[] out = new double[zn.length];
                for (int i = 0; i < zn.length; i++) {
                    out[i] = t.denormalise(zn[i]);
                }
                return out;
            }
        }
    }

    private static double maxErr(double[] got, JsonNode want) {
        assertThat(got).hasSize(want.size());
        double e = 0;
        for (int i = 0; i < got.length; i++) {
            e = Math.max(e, Math.abs(got[i] - want.get(i).asDouble()));
        }
        return e;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"adaptive", "fixed"})
    void swaWeightsReproduceTheReferencePredictions(String box, @TempDir Path tmp) throws Exception {
        ModelFile mf = ReferenceImport.builder().box(box.equals("fixed") ? CrystalformerConfig.BoxSemantics.FIXED
                : CrystalformerConfig.BoxSemantics.ADAPTIVE).build()
                .fromCheckpoint(DIR.resolve("weights/default-lightning.ckpt"));
        assertThat(mf.modelType()).isEqualTo("crystalformer");
        assertThat(mf.normalisation().names()).containsExactly("synth");
        assertThat(mf.elements()).hasSize(98).startsWith("H", "He").endsWith("Cf");
        assertThat(mf.normalisation().targets().get(0).mean()).isEqualTo((double) -1.284000039100647f);
        assertThat(mf.normalisation().targets().get(0).std()).isEqualTo((double) 1.2356876134872437f);
        assertThat(mf.provenance().extra().get("note").asText()).startsWith("imported from ")
                .endsWith("default-lightning.ckpt");
        // the SWA tensors are exactly weights/default.safetensors
        NamedTensors ref = Safetensors.read(DIR.resolve("weights/default.safetensors"));
        assertThat(mf.weights().names()).isEqualTo(ref.names());
        for (String n : ref.names()) {
            assertThat(mf.weights().get(n)).as(n).isEqualTo(ref.get(n));
        }
        JsonNode cases = new ObjectMapper().readTree(DIR.resolve("expected.json").toFile()).get("cases");
        double e32 = maxErr(predict(mf, tmp, Precision.FLOAT32), cases.get("default_" + box + "_f32").get("pred"));
        double e64 = maxErr(predict(mf, tmp, Precision.FLOAT64), cases.get("default_" + box + "_f64").get("pred"));
        System.out.printf(Locale.ROOT, "== import default-lightning.ckpt (swa, %s): max |pred - ref| f32 %.3g, f64 %.3g%n",
                box, e32, e64);
        assertThat(e32).isLessThan(2e-6); // README's float32 tolerance for pred
        assertThat(e64).isLessThan(1e-10);
    }

    @Test
    void modelWeightsAreNotTheReleasedOnes(@TempDir Path tmp) throws Exception {
        ModelFile mf = ReferenceImport.builder().weights(ReferenceImport.WeightsSource.MODEL).build()
                .fromCheckpoint(DIR.resolve("weights/default-lightning.ckpt"));
        JsonNode want = new ObjectMapper().readTree(DIR.resolve("expected.json").toFile()).get("cases")
                .get("default_adaptive_f64").get("pred");
        double e = maxErr(predict(mf, tmp, Precision.FLOAT64), want);
        System.out.printf(Locale.ROOT, "== import default-lightning.ckpt (model.*): max |pred - ref| %.3g%n", e);
        assertThat(e).isGreaterThan(1e-3);
    }

    @Test
    void safetensorsStateDictWithFlatParams(@TempDir Path tmp) throws Exception {
        JsonNode hp = new ObjectMapper().readTree(DIR.resolve("models.json").toFile()).get("small")
                .get("hyperparameters");
        ModelFile mf = ReferenceImport.builder().params(hp).targetMean(-1.284000039100647)
                .targetStd(1.2356876134872437).box(CrystalformerConfig.BoxSemantics.FIXED).build()
                .fromSafetensors(DIR.resolve("weights/small.safetensors"));
        assertThat(mf.hyperParameters().get("num_layers").asInt()).isEqualTo(2);
        assertThat(mf.hyperParameters().get("domain").asText()).isEqualTo("real-reci");
        JsonNode want = new ObjectMapper().readTree(DIR.resolve("expected.json").toFile()).get("cases")
                .get("small_fixed_f64").get("pred");
        double e = maxErr(predict(mf, tmp, Precision.FLOAT64), want);
        System.out.printf(Locale.ROOT, "== import small.safetensors + params: max |pred - ref| %.3g%n", e);
        assertThat(e).isLessThan(1e-10);
        // without hyper-parameters a bare state dict cannot be imported; wrong ones are caught by the shape check
        assertThatThrownBy(() -> ReferenceImport.builder().build().fromSafetensors(DIR.resolve("weights/small.safetensors")))
                .hasMessageContaining("--params");
        JsonNode def = new ObjectMapper().readTree(DIR.resolve("models.json").toFile()).get("default")
                .get("hyperparameters");
        assertThatThrownBy(() -> ReferenceImport.builder().params(def).targetMean(0.0).targetStd(1.0).build()
                .fromSafetensors(DIR.resolve("weights/small.safetensors")))
                .hasMessageContaining("do not fit the hyper-parameters");
    }
}
