package org.xtal4j.models.sitenet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.io.HostTensor;
import org.xtal4j.nn.io.NamedTensors;
import org.xtal4j.nn.io.Safetensors;
import org.xtal4j.structure.Structure;
import org.xtal4j.testing.SharedData;

/**
 * The Site-Net forward pass against the reference's intermediates ({@code testdata/sitenet-parity},
 * {@code model_weights.safetensors} with the batch tensors of {@code model_<batch>_f64}).
 */
@Tag("shared")
class SiteNetForwardParityTest {

    private static final Path DIR = SharedData.resolve("testdata/sitenet-parity");

    /** Tensors whose padded columns (attention_mask) hold meaningless values. */
    private static final List<String> PADDED = List.of("fwd.I0", "fwd.block1.logits", "fwd.block2.logits",
            "fwd.block1.F", "fwd.block2.F", "fwd.block1.interaction_features", "fwd.block2.interaction_features");

    @Test
    void tinyBatchFloat64MatchesEveryIntermediate() throws Exception {
        double worst = compare("tiny", "model_tiny_f64.safetensors", DataType.FLOAT64, 0, 1e-10);
        System.out.printf("Site-Net forward, tiny f64: worst |diff| / max|ref| = %.3g%n", worst);
    }

    @Test
    void mainBatchFloat64MatchesTheStoredIntermediates() throws Exception {
        double worst = compare("main", "model_main_f64.safetensors", DataType.FLOAT64, 0, 1e-10);
        System.out.printf("Site-Net forward, main f64: worst |diff| / max|ref| = %.3g%n", worst);
    }

    @Test
    void tinyBatchFloat32MatchesTheFloat32Reference() throws Exception {
        double worst = compare("tiny", "model_tiny_f32.safetensors", DataType.FLOAT32, 0, 1e-5);
        System.out.printf("Site-Net forward, tiny f32: worst |diff| / max(1, max|ref|) = %.3g%n", worst);
    }

    @Test
    void mainBatchFloat32MatchesTheFloat32Reference() throws Exception {
        double main = compare("main", "model_main_f32.safetensors", DataType.FLOAT32, 0, 1e-5);
        System.out.printf("Site-Net forward, main f32: worst |diff| / max(1, max|ref|) = %.3g%n", main);
    }

    @Test
    void cutoffVariantMatches() throws Exception {
        double tiny = compare("tiny", "model_cutoff5_f64.safetensors", DataType.FLOAT64, 5.0, 1e-10);
        double main = compare("main", "model_cutoff5_f64.safetensors", DataType.FLOAT64, 5.0, 1e-10);
        System.out.printf("Site-Net forward, 5 Å cut-off f64: worst |diff| / max|ref| = %.3g (tiny), %.3g (main)%n",
                tiny, main);
    }

    /**
     * d loss / d parameter for the main batch (float64) against {@code grad.*}: the embedding rows are
     * renormalised in the parameter first (as the reference's lookup does), TReLU passes the gradient
     * straight through, the last block's g^I gets none.
     */
    @Test
    void mainBatchGradientsMatch() throws Exception {
        NamedTensors weights = Safetensors.read(DIR.resolve("model_weights.safetensors"));
        NamedTensors inputs = Safetensors.read(DIR.resolve("model_main_f64.safetensors"));
        List<String> failures = new ArrayList<>();
        double worst = 0;
        int checked = 0;
        try (NDManager m = Backend.get().newManager()) {
            Map<String, NDArray> p = new HashMap<>();
            for (String name : weights.names()) {
                NDArray a = weights.get(name).toNDArray(m, DataType.FLOAT64);
                a.setRequiresGradient(true);
                p.put(name, a);
            }
            double maxGrad = 0;
            try (ai.djl.training.GradientCollector gc = Backend.get().engine().newGradientCollector()) {
                Map<String, NDArray> out = SiteNetForward.forward(p,
                        inputs.get("batch.atomic_id").toNDArray(m),
                        inputs.get("batch.site_feature_tensor").toNDArray(m),
                        inputs.get("batch.oxidation_state").toNDArray(m),
                        inputs.get("batch.interaction_feature_tensor").toNDArray(m),
                        inputs.get("batch.attention_i").toNDArray(m),
                        inputs.get("batch.attention_j").toNDArray(m),
                        inputs.get("batch.attention_mask").toNDArray(m), inputs.get("batch.coo").toNDArray(m), 10, 0);
                NDArray loss = SiteNetForward.loss(out.get("out.prediction"), inputs.get("batch.target").toNDArray(m));
                assertThat(loss.getDouble()).isCloseTo(inputs.get("out.loss").toDoubleArray()[0],
                        org.assertj.core.api.Assertions.within(1e-12));
                gc.backward(loss);
            }
            for (String name : inputs.names()) {
                if (name.startsWith("grad.")) {
                    for (double v : inputs.get(name).toDoubleArray()) {
                        maxGrad = Math.max(maxGrad, Math.abs(v));
                    }
                }
            }
            long[] usedRows = inputs.get("embedding.row_ids").toLongArray();
            for (String name : weights.names()) {
                double[] g = p.get(name).getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
                double[] r;
                if (name.equals("Elemental_Embeddings.weight")) {
                    double[] used = inputs.get("grad.Elemental_Embeddings.weight.used_rows").toDoubleArray();
                    r = new double[g.length];
                    for (int u = 0; u < usedRows.length; u++) {
                        System.arraycopy(used, u * 92, r, (int) usedRows[u] * 92, 92);
                    }
                } else if (inputs.names().contains("grad." + name)) {
                    r = inputs.get("grad." + name).toDoubleArray();
                } else {
                    r = new double[g.length]; // no gradient in the reference: ours must be zero
                }
                double err = 0;
                for (int i = 0; i < r.length; i++) {
                    err = Math.max(err, Math.abs(g[i] - r[i]));
                }
                worst = Math.max(worst, err / maxGrad);
                if (err > 1e-9 * maxGrad + 1e-12) {
                    failures.add(name + ": " + err);
                }
                checked++;
            }
        }
        System.out.printf("Site-Net gradients, main f64: %d tensors, worst |diff| / max|grad| %.3g%n", checked, worst);
        assertThat(checked).isEqualTo(63);
        assertThat(failures).isEmpty();
    }

    /** Features of the fixture crystals for one N_max, from the stored primitive cells and M. */
    static List<SiteNetFeatures> pipelineFeatures(String nmax) throws Exception {
        JsonNode pipeline = new ObjectMapper().readTree(DIR.resolve("pipeline.json").toFile());
        List<SiteNetFeatures> out = new ArrayList<>();
        for (JsonNode c : pipeline.get("crystals")) {
            JsonNode prim = c.get("primitive");
            Structure p1 = SiteNetPipelineParityTest.structure(prim);
            double[] ox = new double[p1.size()];
            if (!prim.get("oxidation_states").isNull()) {
                for (int i = 0; i < ox.length; i++) {
                    ox[i] = prim.get("oxidation_states").get(i).asDouble();
                }
            }
            int[][] m = SiteNetPipelineParityTest.intMatrix(c.get("supercells").get(nmax).get("M"));
            out.add(SiteNetFeatures.of(SiteNetSupercell.fromPrimitive(p1, m, Integer.parseInt(nmax)), ox));
        }
        return out;
    }

    @Test
    void collatedPipelineFeaturesAreTheReferenceBatch() throws Exception {
        SiteNetBatch b = SiteNetBatch.of(pipelineFeatures("100"));
        NamedTensors ref = Safetensors.read(DIR.resolve("model_main_f64.safetensors"));
        assertThat(b.rows()).isEqualTo(211);
        assertThat(b.width()).isEqualTo(96);
        assertThat(b.atomicId().toLongArray()).containsExactly(ref.get("batch.atomic_id").toLongArray());
        assertThat(b.attentionI().toLongArray()).containsExactly(ref.get("batch.attention_i").toLongArray());
        assertThat(b.attentionJ().toLongArray()).containsExactly(ref.get("batch.attention_j").toLongArray());
        assertThat(b.coo().toLongArray()).containsExactly(ref.get("batch.coo").toLongArray());
        assertThat(b.csr()).containsExactly(ref.get("batch.csr").toLongArray());
        assertThat(b.attentionMask().data()).isEqualTo(ref.get("batch.attention_mask").data());
        assertThat(b.magpie().toDoubleArray()).containsExactly(ref.get("batch.site_feature_tensor").toDoubleArray());
        assertThat(b.oxidationState().toDoubleArray()).containsExactly(ref.get("batch.oxidation_state").toDoubleArray());
        double[] got = b.interaction().toDoubleArray();
        double[] want = ref.get("batch.interaction_feature_tensor").toDoubleArray();
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - want[i]));
        }
        System.out.printf("Site-Net batch (main, N_max 100) from the Java pipeline: worst interaction diff %.3g%n", worst);
        assertThat(worst).isLessThan(1e-12);
    }

    @Test
    void paperBatchFromTheJavaPipelineGivesTheReferencePredictions() throws Exception {
        SiteNetBatch b = SiteNetBatch.of(pipelineFeatures("500"));
        NamedTensors weights = Safetensors.read(DIR.resolve("model_weights.safetensors"));
        NamedTensors expected = Safetensors.read(DIR.resolve("model_paper_f64.safetensors"));
        NamedTensors main = Safetensors.read(DIR.resolve("model_main_f64.safetensors"));
        assertThat(b.width()).isEqualTo(500);
        List<String> failures = new ArrayList<>();
        double worst = 0;
        try (NDManager m = Backend.get().newManager()) {
            Map<String, NDArray> p = new HashMap<>();
            for (String name : weights.names()) {
                p.put(name, weights.get(name).toNDArray(m, DataType.FLOAT64));
            }
            Map<String, NDArray> out = SiteNetForward.forward(p, b.atomicId().toNDArray(m), b.magpie().toNDArray(m),
                    b.oxidationState().toNDArray(m), b.interaction().toNDArray(m), b.attentionI().toNDArray(m),
                    b.attentionJ().toNDArray(m), b.attentionMask().toNDArray(m), b.coo().toNDArray(m), b.crystals(), 0);
            out.put("out.loss", SiteNetForward.loss(out.get("out.prediction"),
                    main.get("batch.target").toNDArray(m)).reshape(1));
            for (int blk = 1; blk <= 2; blk++) {
                out.put("fwd.block" + blk + ".attention_srtio3_rows",
                        out.get("fwd.block" + blk + ".attention").get(new NDIndex("2:7")));
            }
            for (String name : expected.names()) {
                if (!name.startsWith("fwd.") && !name.startsWith("out.")) {
                    continue;
                }
                double[] g = out.get(name).toDoubleArray();
                double[] r = expected.get(name).toDoubleArray();
                assertThat(g.length).as(name).isEqualTo(r.length);
                double max = 0;
                double err = 0;
                for (int i = 0; i < r.length; i++) {
                    max = Math.max(max, Math.abs(r[i]));
                    err = Math.max(err, Math.abs(g[i] - r[i]));
                }
                worst = Math.max(worst, err / max);
                if (err > 1e-10 * max) {
                    failures.add(name + ": " + err / max);
                }
            }
        }
        System.out.printf("Site-Net paper batch (N_max 500) from the Java pipeline: worst |diff| / max|ref| %.3g%n", worst);
        assertThat(failures).isEmpty();
    }

    /** Runs the batch and compares every tensor the expectation file holds; returns the worst scaled error. */
    private static double compare(String batch, String expectedFile, DataType type, double cutoff, double tol)
            throws Exception {
        NamedTensors weights = Safetensors.read(DIR.resolve("model_weights.safetensors"));
        NamedTensors inputs = Safetensors.read(DIR.resolve("model_" + batch + "_f64.safetensors"));
        NamedTensors expected = Safetensors.read(DIR.resolve(expectedFile));
        String prefix = expectedFile.startsWith("model_cutoff5") ? batch + "." : "";
        double worst = 0;
        List<String> failures = new ArrayList<>();
        try (NDManager m = Backend.get().newManager()) {
            Map<String, NDArray> p = new HashMap<>();
            for (String name : weights.names()) {
                p.put(name, weights.get(name).toNDArray(m, type));
            }
            NDArray mask = inputs.get("batch.attention_mask").toNDArray(m);
            long[] csr = inputs.get("batch.csr").toLongArray();
            Map<String, NDArray> out = SiteNetForward.forward(p,
                    inputs.get("batch.atomic_id").toNDArray(m),
                    inputs.get("batch.site_feature_tensor").toNDArray(m, type),
                    inputs.get("batch.oxidation_state").toNDArray(m, type),
                    inputs.get("batch.interaction_feature_tensor").toNDArray(m, type),
                    inputs.get("batch.attention_i").toNDArray(m),
                    inputs.get("batch.attention_j").toNDArray(m),
                    mask, inputs.get("batch.coo").toNDArray(m), csr.length - 1, cutoff);
            NDArray loss = SiteNetForward.loss(out.get("out.prediction"),
                    inputs.get("batch.target").toNDArray(m, type)).reshape(1);
            out.put("out.loss", loss);
            boolean[] padded = mask.toBooleanArray();
            int checked = 0;
            for (String name : expected.names()) {
                if (!name.startsWith(prefix)) {
                    continue;
                }
                String key = name.substring(prefix.length());
                if (!key.startsWith("fwd.") && !key.startsWith("out.") && !key.equals("x.input")) {
                    continue;
                }
                NDArray got = out.get(key);
                assertThat(got).as(key).isNotNull();
                HostTensor want = expected.get(name);
                assertThat(got.getShape().getShape()).as(key).containsExactly(want.shape());
                double[] g = got.toType(DataType.FLOAT64, false).toDoubleArray();
                double[] r = want.toDoubleArray();
                boolean maskIt = PADDED.contains(key);
                int inner = maskIt ? r.length / padded.length : 1;
                double max = 0;
                double err = 0;
                for (int i = 0; i < r.length; i++) {
                    if (maskIt && padded[i / inner]) {
                        continue;
                    }
                    max = Math.max(max, Math.abs(r[i]));
                    err = Math.max(err, Math.abs(g[i] - r[i]));
                }
                double scaled = err / (type == DataType.FLOAT32 ? Math.max(1, max) : Math.max(max, 1e-300));
                worst = Math.max(worst, scaled);
                if (type == DataType.FLOAT64 && scaled > 1e-14) {
                    System.out.printf("  %s %s: %.3g%n", expectedFile, key, scaled);
                }
                if (scaled > tol) {
                    failures.add(String.format("%s: %.3g (max |ref| %.3g)", key, scaled, max));
                }
                checked++;
            }
            assertThat(checked).isGreaterThan(3);
        }
        assertThat(failures).isEmpty();
        return worst;
    }
}
