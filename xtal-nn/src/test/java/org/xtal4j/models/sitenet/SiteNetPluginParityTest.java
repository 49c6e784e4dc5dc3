package org.xtal4j.models.sitenet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.io.NamedTensors;
import org.xtal4j.nn.io.Safetensors;
import org.xtal4j.nn.model.Batch;
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.nn.model.Weights;
import org.xtal4j.nn.train.Adam;
import org.xtal4j.nn.train.GradClip;
import org.xtal4j.testing.SharedData;

/**
 * The plugin end to end (prepare-equivalent features of the Java pipeline → collate → forward with the
 * reference weights loaded by {@link Weights#load}) against the {@code main} batch of the fixtures, and one
 * training step (AdamW amsgrad + clipping) against {@code train_step1_f64.safetensors}.
 */
@Tag("shared")
class SiteNetPluginParityTest {

    private static final Path DIR = SharedData.resolve("testdata/sitenet-parity");

    private static final SiteNetPlugin PLUGIN = new SiteNetPlugin();

    static ModelSetup setup(Precision precision) {
        return new ModelSetup(SiteNetConfig.builder().maxAtoms(100).build(), Normalisation.identity(List.of("gap")),
                List.of(), precision);
    }

    static List<Sample> mainSamples() throws Exception {
        JsonNode cases = new ObjectMapper().readTree(DIR.resolve("model_cases.json").toFile());
        JsonNode targets = cases.get("batches").get("main").get("targets");
        List<SiteNetFeatures> f = SiteNetForwardParityTest.pipelineFeatures("100");
        List<Sample> out = new ArrayList<>();
        for (int c = 0; c < f.size(); c++) {
            out.add(SiteNetPlugin.sample(f.get(c), 0, new double[] {targets.get(c).asDouble()}));
        }
        return out;
    }

    static Block loadedBlock(NDManager m, ModelSetup setup) throws Exception {
        Block block = PLUGIN.newBlock(setup);
        PLUGIN.initialize(block, m, setup);
        Weights.load(PLUGIN.namedParameters(block), Safetensors.read(DIR.resolve("model_weights.safetensors")), true);
        return block;
    }

    private static double worst(double[] got, double[] want, boolean relative) {
        double max = 0;
        double err = 0;
        for (int i = 0; i < want.length; i++) {
            max = Math.max(max, Math.abs(want[i]));
            err = Math.max(err, Math.abs(got[i] - want[i]));
        }
        return relative ? err / Math.max(max, 1e-300) : err;
    }

    @Test
    void pluginForwardReproducesTheMainBatch() throws Exception {
        NamedTensors ref = Safetensors.read(DIR.resolve("model_main_f64.safetensors"));
        ModelSetup setup = setup(Precision.FLOAT64);
        try (NDManager m = Backend.get().newManager()) {
            Block block = loadedBlock(m, setup);
            ParameterStore ps = new ParameterStore(m, false);
            try (NDManager step = m.newSubManager(); Batch batch = PLUGIN.collate(mainSamples(), step, setup)) {
                NDList out = PLUGIN.forward(block, ps, batch, false, true, setup);
                assertThat(out.contains(ModelPlugin.OUTPUT_PREDICTION)).isTrue();
                assertThat(PLUGIN.explanationOutputs()).allMatch(out::contains);
                double pred = worst(out.get(ModelPlugin.OUTPUT_PREDICTION).toDoubleArray(),
                        ref.get("out.prediction").toDoubleArray(), false);
                double a1 = worst(out.get(SiteNetPlugin.attentionOutput(0)).toDoubleArray(),
                        ref.get("fwd.block1.attention").toDoubleArray(), false);
                double a2 = worst(out.get(SiteNetPlugin.attentionOutput(1)).toDoubleArray(),
                        ref.get("fwd.block2.attention").toDoubleArray(), false);
                double lr = worst(out.get(SiteNetPlugin.OUTPUT_LONG_RANGE).toDoubleArray(),
                        ref.get("out.long_range").toDoubleArray(), true);
                double loss = Math.abs(PLUGIN.loss(out, batch, setup).getDouble() - ref.get("out.loss").toDoubleArray()[0]);
                // the embedding rows were renormalised inside the parameter
                NDArray w = PLUGIN.namedParameters(block).get("Elemental_Embeddings.weight").getArray();
                long[] rows = ref.get("embedding.row_ids").toLongArray();
                double[] after = ref.get("embedding.rows_after_forward").toDoubleArray();
                double[] wh = w.toDoubleArray();
                double emb = 0;
                for (int r = 0; r < rows.length; r++) {
                    for (int e = 0; e < 92; e++) {
                        emb = Math.max(emb, Math.abs(wh[(int) rows[r] * 92 + e] - after[r * 92 + e]));
                    }
                }
                // the attention analysis against the long-range coefficients of model_cases.json
                JsonNode cases = new ObjectMapper().readTree(DIR.resolve("model_cases.json").toFile())
                        .get("batches").get("main").get("f64");
                List<SiteNetSample> samples = batch.samples().stream().map(SiteNetSample.class::cast).toList();
                List<String> ids = new ArrayList<>();
                cases.path("long_range").get(0).forEach(x -> ids.add("c" + ids.size()));
                List<AttentionAnalysis> an = AttentionAnalysis.of(out, samples, ids);
                double lrWorst = 0;
                double eqn8Worst = 0;
                for (int c = 0; c < an.size(); c++) {
                    for (int b = 0; b < 2; b++) {
                        for (int h = 0; h < 3; h++) {
                            lrWorst = Math.max(lrWorst, Math.abs(an.get(c).longRange(b, h)
                                    - cases.get("long_range").get(b).get(c).get(h).asDouble()));
                        }
                    }
                    eqn8Worst = Math.max(eqn8Worst, Math.abs(an.get(c).longRangeCoefficient()
                            - cases.get("long_range_eqn8").get(c).asDouble()));
                    eqn8Worst = Math.max(eqn8Worst, Math.abs(an.get(c).longRangeCoefficient()
                            - ref.get("out.long_range_eqn8").toDoubleArray()[c]));
                }
                System.out.printf("Site-Net attention analysis, main f64: long-range per block/head worst |diff| %.3g, "
                        + "eqn 8 coefficient worst |diff| %.3g (10 crystals)%n", lrWorst, eqn8Worst);
                assertThat(an).hasSize(10);
                assertThat(lrWorst).isLessThan(1e-12);
                assertThat(eqn8Worst).isLessThan(1e-12);
                System.out.printf("Site-Net plugin forward, main f64: prediction %.3g, attention %.3g / %.3g (abs), "
                        + "long-range %.3g (rel), loss %.3g, renormalised embedding rows %.3g%n", pred, a1, a2, lr,
                        loss, emb);
                assertThat(pred).isLessThan(1e-10);
                assertThat(Math.max(a1, a2)).isLessThan(1e-10);
                assertThat(lr).isLessThan(1e-10);
                assertThat(loss).isLessThan(1e-10);
                assertThat(emb).isLessThan(1e-15);
            }
        }
    }

    @Test
    void oneTrainingStepMatchesTheReference() throws Exception {
        NamedTensors expected = Safetensors.read(DIR.resolve("train_step1_f64.safetensors"));
        JsonNode cases = new ObjectMapper().readTree(DIR.resolve("model_cases.json").toFile());
        JsonNode trace = cases.get("training").get("f64");
        ModelSetup setup = setup(Precision.FLOAT64);
        org.xtal4j.nn.train.TrainConfig tc = SiteNetPlugin.referenceTrainConfig();
        try (NDManager m = Backend.get().newManager()) {
            Block block = loadedBlock(m, setup);
            Map<String, Parameter> named = PLUGIN.namedParameters(block);
            Map<String, NDArray> trainable = new LinkedHashMap<>();
            named.forEach((k, p) -> trainable.put(k, p.getArray()));
            ParameterStore ps = new ParameterStore(m, false);
            double lossValue;
            double norm;
            int withoutGrad = 0;
            try (Adam opt = new Adam(true, tc.beta1(), tc.beta2(), tc.eps(), tc.amsgrad(),
                    Adam.groupsByPattern(trainable.keySet(), tc.nodecayPattern(), tc.nodecayWeightDecay(),
                            tc.weightDecay()), m);
                 NDManager step = m.newSubManager(); Batch batch = PLUGIN.collate(mainSamples(), step, setup)) {
                try (GradientCollector gc = Backend.get().engine().newGradientCollector()) {
                    NDList out = PLUGIN.forward(block, ps, batch, true, false, setup);
                    NDArray loss = PLUGIN.loss(out, batch, setup);
                    lossValue = loss.getDouble();
                    gc.backward(loss);
                }
                Map<String, NDArray> grads = new LinkedHashMap<>();
                for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                    PtNDArray g = JniUtils.getGradient((PtNDArray) e.getValue());
                    if (g != null) {
                        grads.put(e.getKey(), g);
                    } else {
                        withoutGrad++;
                    }
                }
                norm = GradClip.clipNorm(grads.values(), tc.clipNorm());
                opt.step(trainable, grads, tc.lr());
                grads.values().forEach(NDArray::close);
            }
            double worst = 0;
            String worstName = "";
            for (String name : expected.names()) {
                double e = worst(trainable.get(name).toDoubleArray(), expected.get(name).toDoubleArray(), false);
                if (e > worst) {
                    worst = e;
                    worstName = name;
                }
            }
            double lossErr = Math.abs(lossValue - trace.get("loss").get(0).asDouble());
            double normErr = Math.abs(norm - trace.get("grad_norm_before_clip").get(0).asDouble());
            System.out.printf("Site-Net plugin training step 1 (f64): loss %.3g, grad norm %.3g, worst parameter "
                    + "|diff| %.3g (%s); %d tensors without gradient%n", lossErr, normErr, worst, worstName, withoutGrad);
            assertThat(expected.names()).hasSize(63);
            assertThat(lossErr).isLessThan(1e-12);
            assertThat(normErr).isLessThan(1e-9);
            assertThat(worst).isLessThan(1e-9);
        }
    }

    /** Five steps on the main batch (the renormalisation re-applies as AdamW moves the rows): the trace. */
    @Test
    void fiveTrainingStepsFollowTheTrace() throws Exception {
        JsonNode training = new ObjectMapper().readTree(DIR.resolve("model_cases.json").toFile()).get("training");
        for (Precision precision : List.of(Precision.FLOAT64, Precision.FLOAT32)) {
            JsonNode trace = training.get(precision == Precision.FLOAT64 ? "f64" : "f32");
            ModelSetup setup = setup(precision);
            org.xtal4j.nn.train.TrainConfig tc = SiteNetPlugin.referenceTrainConfig();
            double lossWorst = 0;
            double normWorst = 0;
            try (NDManager m = Backend.get().newManager()) {
                Block block = loadedBlock(m, setup);
                Map<String, NDArray> trainable = new LinkedHashMap<>();
                PLUGIN.namedParameters(block).forEach((k, p) -> trainable.put(k, p.getArray()));
                ParameterStore ps = new ParameterStore(m, false);
                List<Sample> samples = mainSamples();
                try (Adam opt = new Adam(true, tc.beta1(), tc.beta2(), tc.eps(), tc.amsgrad(),
                        Adam.groupsByPattern(trainable.keySet(), tc.nodecayPattern(), tc.nodecayWeightDecay(),
                                tc.weightDecay()), m)) {
                    for (int t = 0; t <= 5; t++) {
                        try (NDManager step = m.newSubManager(); Batch batch = PLUGIN.collate(samples, step, setup)) {
                            org.xtal4j.nn.Autograd.zeroGrad(trainable.values());
                            double loss;
                            try (GradientCollector gc = Backend.get().engine().newGradientCollector()) {
                                NDArray l = PLUGIN.loss(PLUGIN.forward(block, ps, batch, true, false, setup), batch, setup);
                                loss = l.toType(DataType.FLOAT64, false).getDouble();
                                if (t < 5) {
                                    gc.backward(l);
                                }
                            }
                            double want = t < 5 ? trace.get("loss").get(t).asDouble()
                                    : trace.get("loss_after_last_step").asDouble();
                            lossWorst = Math.max(lossWorst, Math.abs(loss - want) / want);
                            if (t == 5) {
                                break;
                            }
                            Map<String, NDArray> grads = new LinkedHashMap<>();
                            for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                                PtNDArray g = JniUtils.getGradient((PtNDArray) e.getValue());
                                if (g != null) {
                                    grads.put(e.getKey(), g);
                                }
                            }
                            double norm = GradClip.clipNorm(grads.values(), tc.clipNorm());
                            double wantNorm = trace.get("grad_norm_before_clip").get(t).asDouble();
                            normWorst = Math.max(normWorst, Math.abs(norm - wantNorm) / wantNorm);
                            opt.step(trainable, grads, tc.lr());
                            grads.values().forEach(NDArray::close);
                        }
                    }
                }
            }
            System.out.printf("Site-Net plugin, 5 training steps (%s): worst relative loss diff %.3g, grad norm %.3g%n",
                    precision, lossWorst, normWorst);
            double tol = precision == Precision.FLOAT64 ? 1e-10 : 1e-5;
            assertThat(lossWorst).isLessThan(tol);
            assertThat(normWorst).isLessThan(precision == Precision.FLOAT64 ? 1e-10 : 1e-4);
        }
    }
}
