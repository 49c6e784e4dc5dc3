package org.xtal4j.models.pet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.xtal4j.nn.Autograd;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.model.Batch;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.io.HostTensor;
import org.xtal4j.nn.io.NamedTensors;
import org.xtal4j.nn.io.Safetensors;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.nn.model.Weights;
import org.xtal4j.nn.train.TrainConfig;
import org.xtal4j.nn.train.TrainResult;
import org.xtal4j.nn.train.Trainer;
import org.xtal4j.structure.Structure;

/**
 * Training a tiny float64 PET with stress labels on its periodic structures (molecules in the same batches have
 * none): σ_S is fitted from the labels (stress or −virial/V), the stress term enters the loss only with labels
 * and weight, and σ_S slides with the validation stress RMSE of the epoch's weights.
 */
class PetStressTrainingTest {

    @TempDir
    Path dir;

    private final PetPlugin plugin = new PetPlugin();

    /** PetPluginTest's data; periodic cells get a symmetric stress (every other one as a virial, −σV). */
    static List<Structure> withStresses(List<Structure> in, long seed) {
        Random r = new Random(seed);
        List<Structure> out = new ArrayList<>();
        int k = 0;
        for (Structure s : in) {
            if (!s.isFullyPeriodic()) {
                out.add(s);
                continue;
            }
            double[] st = new double[9];
            for (int a = 0; a < 3; a++) {
                for (int b = a; b < 3; b++) {
                    st[3 * a + b] = 0.05 * r.nextGaussian();
                    st[3 * b + a] = st[3 * a + b];
                }
            }
            if (k++ % 2 == 0) {
                out.add(s.toBuilder().property("stress", st).build());
            } else {
                double v = s.lattice().volume();
                double[] vir = new double[9];
                for (int c = 0; c < 9; c++) {
                    vir[c] = -st[c] * v;
                }
                out.add(s.toBuilder().property("virial", vir).build());
            }
        }
        return out;
    }

    private final List<Structure> trainData = withStresses(PetPluginTest.data(8, 5), 1);
    private final List<Structure> valData = withStresses(PetPluginTest.data(4, 6), 2);

    private ModelSetup setup(double stressWeight, List<Structure> train) {
        Backend.get();
        return plugin.fitToTrainingData(new ModelSetup(PetPluginTest.tiny().toBuilder().stressWeight(stressWeight)
                .build(), Normalisation.identity(List.of("energy")), List.of("H", "C"), Precision.FLOAT64), train);
    }

    private TrainResult train(ModelSetup setup, List<Structure> tr, List<Structure> va, Path out, int epochs,
                              int stopAfter) throws Exception {
        List<Sample> train = tr.stream().map(s -> plugin.prepare(s, setup)).toList();
        List<Sample> val = va.stream().map(s -> plugin.prepare(s, setup)).toList();
        TrainConfig tc = TrainConfig.builder().seed(11).optimizer("adam").lr(3e-3).weightDecay(0).clipNorm(0)
                .schedule("step_halving", 0, 100).batchSize(4).epochs(epochs).swaEpochs(0).plots(false).build();
        return Trainer.builder().plugin(plugin).setup(setup).config(tc).train(train).validation(val).output(out)
                .quiet(true).stopAfterEpochs(stopAfter).build().run();
    }

    @Test
    void stressScaleIsFittedFromStressAndVirialLabels() {
        double s2 = 0;
        int n = 0;
        for (Structure s : trainData) {
            if (s.isFullyPeriodic()) {
                double[] st = s.properties().containsKey("stress") ? (double[]) s.properties().get("stress") : null;
                double[] vir = (double[]) s.properties().get("virial");
                for (int c = 0; c < 9; c++) {
                    double v = st != null ? st[c] : -vir[c] / s.lattice().volume();
                    s2 += v * v;
                    n++;
                }
            }
        }
        assertThat(((PetConfig) setup(1, trainData).config()).stressSigma()).isCloseTo(Math.sqrt(s2 / n),
                org.assertj.core.data.Offset.offset(1e-15));
        assertThat(n).isEqualTo(36);   // 4 cells, half of them from virials
    }

    @Test
    void theStressTermCountsOnlyWithLabelsAndWeight() throws Exception {
        List<Structure> plainTrain = PetPluginTest.data(8, 5);
        List<Structure> plainVal = PetPluginTest.data(4, 6);
        TrainResult plain = train(setup(1, plainTrain), plainTrain, plainVal, dir.resolve("plain"), 1, 0);
        TrainResult off = train(setup(0, trainData), trainData, valData, dir.resolve("off"), 1, 0);
        TrainResult on = train(setup(1, trainData), trainData, valData, dir.resolve("on"), 1, 0);
        // w_S = 0: exactly the run without stress labels; w_S = 1: a larger loss
        assertThat(off.history().get(0).trainLoss()).isEqualTo(plain.history().get(0).trainLoss());
        assertThat(on.history().get(0).trainLoss()).isGreaterThan(off.history().get(0).trainLoss());
    }

    @Test
    void stressScaleSlidesWithTheValidationStressRmse() throws Exception {
        ModelSetup setup = setup(1, trainData);
        double sigmaS0 = ((PetConfig) setup.config()).stressSigma();
        Path out = dir.resolve("slide");
        train(setup, trainData, valData, out, 3, 1);
        NamedTensors ck = Safetensors.read(out.resolve("checkpoint/last.safetensors"));
        JsonNode st = new ObjectMapper().readTree(ck.metadata().get("xtal4j.checkpoint")).get("modelState");
        Map<String, HostTensor> params = new LinkedHashMap<>();
        ck.tensors().forEach((k, v) -> {
            if (k.startsWith("param.")) {
                params.put(k.substring(6), v);
            }
        });
        double s2 = 0;
        int n = 0;
        try (NDManager m = Backend.get().newManager()) {
            PetBlock block = PetPredictor.newBlock(setup, m);
            Weights.load(block.namedParameters(), new NamedTensors(params, Map.of(), "checkpoint"), true);
            List<PetPredictor.Prediction> p = new PetPredictor(setup, block, m).predict(valData);
            for (int k = 0; k < valData.size(); k++) {
                Structure s = valData.get(k);
                if (!s.isFullyPeriodic()) {
                    assertThat(p.get(k).stress()).isNull();
                    continue;
                }
                double[] label = PetPlugin.stressLabel(s, s.lattice().volume());
                double[] pred = p.get(k).stressRowMajor();
                for (int c = 0; c < 9; c++) {
                    s2 += (pred[c] - label[c]) * (pred[c] - label[c]);
                    n++;
                }
            }
        }
        double want = PetLoss.slide(sigmaS0, Math.sqrt(s2 / n));
        double got = st.get("sigma_stress").asDouble();
        System.out.printf(Locale.ROOT, "σ_S after epoch 1: %.6g -> %.6g (want %.6g; validation stress RMSE %.4g)%n",
                sigmaS0, got, want, Math.sqrt(s2 / n));
        assertThat(Math.abs(got - sigmaS0)).isGreaterThan(1e-3 * sigmaS0);
        assertThat(Math.abs(got - want)).isLessThan(1e-9 * want);
    }

    /**
     * The parameter gradient of the loss with a dominant stress term (w_S = 100; second-order autograd through
     * σ = (1/V) Σ x_eᵀ ∂E/∂x_e) against central differences of the loss in some parameter entries.
     */
    @Test
    void lossGradientThroughTheStressMatchesFiniteDifferences() {
        ModelSetup fitted = setup(100, trainData);
        ModelSetup setup = new ModelSetup(((PetConfig) fitted.config()).toBuilder().globalAug(false).build(),
                fitted.normalisation(), fitted.elements(), fitted.precision());
        List<Sample> samples = trainData.subList(0, 4).stream().map(s -> plugin.prepare(s, setup)).toList();
        try (NDManager m = Backend.get().newManager()) {
            Backend.get().seed(9);
            PetBlock block = PetPredictor.newBlock(setup, m);
            ParameterStore ps = new ParameterStore(m, false);
            List<NDArray> params = PetPlugin.parameterArrays(block);
            double worst = 0;
            double scale = 0;
            int checked = 0;
            for (NDArray p : params) {
                if (p.size() < 4 || checked >= 4) {
                    continue;
                }
                checked++;
                double[] g = gradient(block, ps, samples, setup, p);
                for (int idx : new int[] {0, (int) p.size() / 2, (int) p.size() - 1}) {
                    double h = 1e-6;
                    double[] v = p.toDoubleArray();
                    double v0 = v[idx];
                    v[idx] = v0 + h;
                    p.set(v);
                    double lp = lossValue(block, ps, samples, setup, params);
                    v[idx] = v0 - h;
                    p.set(v);
                    double lm = lossValue(block, ps, samples, setup, params);
                    v[idx] = v0;
                    p.set(v);
                    worst = Math.max(worst, Math.abs((lp - lm) / (2 * h) - g[idx]));
                    scale = Math.max(scale, Math.abs(g[idx]));
                }
            }
            System.out.printf(Locale.ROOT, "loss gradient with the stress term vs central differences: worst %.2e"
                    + " (max |g| %.3e, %d tensors)%n", worst, scale, checked);
            assertThat(scale).isGreaterThan(1e-3);
            assertThat(worst).isLessThan(1e-5 * scale);
        }
    }

    private double[] gradient(PetBlock block, ParameterStore ps, List<Sample> samples, ModelSetup setup,
                              NDArray param) {
        List<NDArray> params = PetPlugin.parameterArrays(block);
        try (NDManager sm = param.getManager().newSubManager(); NDScope scope = new NDScope()) {
            Autograd.zeroGrad(params);
            Batch batch = plugin.collate(samples, sm, setup);
            try (GradientCollector gc = Backend.get().engine().newGradientCollector()) {
                NDList out = plugin.forward(block, ps, batch, true, false, setup);
                assertThat(out.contains(PetPlugin.OUTPUT_STRESS)).isTrue();
                assertThat(batch.labels()).hasSize(4);
                Autograd.backward(plugin.loss(out, batch, setup));
            }
            PtNDArray g = JniUtils.getGradient((PtNDArray) param);
            double[] out = g.toType(DataType.FLOAT64, false).toDoubleArray();
            g.close();
            Autograd.detachGrads(params);
            Autograd.detachGrads(batch.inputs());
            return out;
        }
    }

    private double lossValue(PetBlock block, ParameterStore ps, List<Sample> samples, ModelSetup setup,
                             List<NDArray> params) {
        try (NDManager sm = params.get(0).getManager().newSubManager(); NDScope scope = new NDScope()) {
            Batch batch = plugin.collate(samples, sm, setup);
            double v;
            try (GradientCollector gc = Backend.get().engine().newGradientCollector()) {
                NDList out = plugin.forward(block, ps, batch, true, false, setup);
                v = plugin.loss(out, batch, setup).toType(DataType.FLOAT64, false).getDouble();
            }
            Autograd.zeroGrad(params);
            Autograd.detachGrads(params);
            Autograd.detachGrads(batch.inputs());
            return v;
        }
    }
}
