package org.xtal4j.models.crystalformer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xtal4j.nn.Autograd;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.io.NamedTensors;
import org.xtal4j.nn.io.Safetensors;
import org.xtal4j.nn.model.Batch;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Weights;
import org.xtal4j.nn.train.Adam;
import org.xtal4j.nn.train.GradClip;
import org.xtal4j.nn.train.Losses;
import org.xtal4j.nn.train.LrSchedule;
import org.xtal4j.nn.train.TrainConfig;

/**
 * The fixture's 5-step training trace (expected.json → training, README "Training trace"): from
 * weights/&lt;model&gt; with the stored gauss_scale, on the fixed batch of all 10 crystals, per step zero grads →
 * train-mode forward → L1 loss on the normalised targets → backward → global-norm clip (1.0) → AdamW (two
 * groups: names containing "bias" with weight decay 0.01, the rest 1e−5; lr 5e−4, betas 0.9/0.98, eps 1e−8)
 * → inverse_sqrt_nowarmup (T = 4000), all taken from {@link TrainConfig#defaultConfig()}. The Trainer initialises its own weights and draws its own batches, so
 * this drives its parts (the plugin's forward/loss, {@link Adam}, {@link GradClip}, {@link LrSchedule}) in the
 * Trainer's step order (Trainer.Run.trainStep). Compared per step: loss, gradient norm, clip coefficient, lr
 * per group, pred_norm; after step 1 the full small-model state dict (f32) and the default model's per-tensor
 * summaries (fixed, f32).
 */
@Tag("shared")
class CrystalformerTrainingTraceTest {

    private static final double LR = 5e-4;

    @ParameterizedTest(name = "{0}_{1}_{2}")
    @CsvSource({"default,fixed,f32", "default,adaptive,f32", "small,fixed,f32", "small,adaptive,f32",
            "default,fixed,f64", "default,adaptive,f64", "small,fixed,f64", "small,adaptive,f64"})
    void fiveStepsMatchTheReference(String model, String box, String prec) throws Exception {
        boolean f64 = prec.equals("f64");
        JsonNode training = new ObjectMapper().readTree(CrystalformerParityTest.dir().resolve("expected.json")
                .toFile()).get("training");
        JsonNode steps = training.get(model + "_" + box + "_" + prec).get("steps");
        NamedTensors in = Safetensors.read(CrystalformerParityTest.dir().resolve("inputs.safetensors"));
        NamedTensors weights = Safetensors.read(CrystalformerParityTest.dir().resolve("weights/" + model
                + ".safetensors"));
        double mean = in.get("target_mean").toDoubleArray()[0];
        double std = in.get("target_std").toDoubleArray()[0];
        double[] y = in.get("targets").toDoubleArray();
        List<CrystalformerSample> samples = new ArrayList<>();
        List<CrystalformerSample> plain = CrystalformerParityTest.samples(in);
        for (int c = 0; c < plain.size(); c++) {
            CrystalformerSample s = plain.get(c);
            // the reference normalises in float32: (y − mean) / std with float32 y, mean, std
            double z = f64 ? (y[c] - mean) / std : (float) ((float) ((float) y[c] - (float) mean) / (float) std);
            samples.add(new CrystalformerSample(s.lattice(), s.positions(), s.features(), new double[] {z}));
        }
        CrystalformerPlugin plugin = new CrystalformerPlugin();
        ModelSetup setup = new ModelSetup(CrystalformerParityTest.config(model, box),
                Normalisation.identity(List.of("synth")), List.of(), f64 ? Precision.FLOAT64 : Precision.FLOAT32);
        Backend backend = Backend.get();
        List<String> failures = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        double tolLoss = f64 ? 1e-10 : 2e-6;
        double tolNorm = f64 ? 1e-10 : 2e-6;
        double tolPred = f64 ? 1e-10 : 2e-6;
        double[] worst = new double[3];
        try (NDManager root = backend.newManager()) {
            CrystalformerBlock block = (CrystalformerBlock) plugin.newBlock(setup);
            plugin.initialize(block, root, setup);
            Map<String, Parameter> named = plugin.namedParameters(block);
            Weights.load(named, weights, true);
            Map<String, NDArray> trainable = new LinkedHashMap<>();
            named.forEach((k, p) -> {
                if (p.requiresGradient()) {
                    trainable.put(k, p.getArray());
                }
            });
            // everything from the Trainer's defaults (TrainConfig.defaultConfig), as `xtal train` would use them
            TrainConfig cfg = TrainConfig.defaultConfig();
            List<Adam.Group> groups = Adam.groupsByPattern(trainable.keySet(), cfg.nodecayPattern(),
                    cfg.nodecayWeightDecay(), cfg.weightDecay());
            checkGroups(groups, training.get(model + "_param_groups"), named, failures);
            NamedTensors before = Weights.save(named, Map.of());
            LrSchedule schedule = LrSchedule.of(cfg.lrSchedule(), cfg.schParams());
            Losses.Kind lossKind = Losses.Kind.parse(cfg.lossFunc());
            assertThat(cfg.optimizer()).isEqualTo("adamw");
            assertThat(cfg.amsgrad()).isFalse();
            assertThat(cfg.clipValue()).isZero();
            ParameterStore ps = new ParameterStore(root, false);
            try (Adam opt = new Adam(true, cfg.beta1(), cfg.beta2(), cfg.eps(), cfg.amsgrad(), groups, root)) {
                for (int t = 0; t < steps.size(); t++) {
                    JsonNode want = steps.get(t);
                    double lr = cfg.lr() * schedule.factor(t, 0);
                    double loss;
                    double[] pred;
                    double norm;
                    try (NDManager sm = root.newSubManager()) {
                        Autograd.zeroGrad(trainable.values());
                        Batch batch = plugin.collate(samples, sm, setup);
                        try (GradientCollector gc = backend.engine().newGradientCollector()) {
                            NDList out = plugin.forward(block, ps, batch, true, false, setup);
                            NDArray l = lossKind == Losses.Kind.MODEL ? plugin.loss(out, batch, setup)
                                    : Losses.of(lossKind, out.get(0), batch.labels().get(0));
                            gc.backward(l);
                            loss = l.toType(DataType.FLOAT64, false).getDouble();
                            pred = out.get(0).toType(DataType.FLOAT64, false).toDoubleArray();
                        }
                        Map<String, NDArray> grads = new LinkedHashMap<>();
                        try {
                            for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                                PtNDArray g = JniUtils.getGradient((PtNDArray) e.getValue());
                                if (g != null) {
                                    grads.put(e.getKey(), g);
                                }
                            }
                            norm = GradClip.clipNorm(grads.values(), cfg.clipNorm());
                            opt.step(trainable, grads, lr);
                        } finally {
                            grads.values().forEach(NDArray::close);
                        }
                    }
                    double coef = Math.min(1, 1 / (norm + 1e-6));
                    double eLoss = Math.abs(loss - want.get("loss").asDouble());
                    double eNorm = Math.abs(norm - want.get("grad_norm_before_clip").asDouble());
                    double eCoef = Math.abs(coef - want.get("clip_coef").asDouble());
                    double ePred = 0;
                    for (int c = 0; c < pred.length; c++) {
                        ePred = Math.max(ePred, Math.abs(pred[c] - want.get("pred_norm").get(c).asDouble()));
                    }
                    double eLr = 0;
                    for (JsonNode g : want.get("lr")) {
                        eLr = Math.max(eLr, Math.abs(lr - g.asDouble()));
                    }
                    worst[0] = Math.max(worst[0], eLoss);
                    worst[1] = Math.max(worst[1], eNorm);
                    worst[2] = Math.max(worst[2], ePred);
                    String line = String.format(Locale.ROOT, "step %d: loss %.10f (err %.2g) grad norm %.8f (err %.2g)"
                            + " clip %.3f (err %.2g) lr %.10g (err %.2g) pred_norm err %.2g", t + 1, loss, eLoss, norm,
                            eNorm, coef, eCoef, lr, eLr, ePred);
                    lines.add(line);
                    if (!(eLoss <= tolLoss && eNorm <= tolNorm && eCoef <= 1e-12 && eLr <= 1e-14 * LR
                            && ePred <= tolPred)) {
                        failures.add(line);
                    }
                    if (t == 0) {
                        afterStepOne(model, box, prec, before, Weights.save(named, Map.of()), training, lines, failures);
                    }
                }
            }
        }
        System.out.println("== crystalformer training trace " + model + "_" + box + "_" + prec
                + String.format(Locale.ROOT, " (worst: loss %.2g, grad norm %.2g, pred_norm %.2g)", worst[0],
                worst[1], worst[2]));
        lines.forEach(System.out::println);
        assertThat(failures).isEmpty();
    }

    /**
     * expected.json → optimizer_only: from weights/small, prescribed gradients g1 (grad.* of
     * cases/small_adaptive_f64, float32) then g2 = −0.5·g1, each clipped (both clip: coefficients ≈ 0.075 and
     * 0.150), AdamW step, schedule step; float32. Exercises the clipping that the training traces never trigger.
     */
    @org.junit.jupiter.api.Test
    void optimizerOnlyStepsWithActiveClipping() throws Exception {
        JsonNode ref = new ObjectMapper().readTree(CrystalformerParityTest.dir().resolve("expected.json").toFile())
                .get("optimizer_only");
        NamedTensors weights = Safetensors.read(CrystalformerParityTest.dir().resolve("weights/small.safetensors"));
        NamedTensors cases = Safetensors.read(CrystalformerParityTest.dir().resolve("cases/small_adaptive_f64.safetensors"));
        NamedTensors want = Safetensors.read(CrystalformerParityTest.dir().resolve("train/optimizer_only_small_f32.safetensors"));
        TrainConfig cfg = TrainConfig.defaultConfig();
        LrSchedule schedule = LrSchedule.of(cfg.lrSchedule(), cfg.schParams());
        List<String> failures = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        try (NDManager m = Backend.get().newManager()) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (String n : weights.names()) {
                if (cases.contains("grad." + n)) {
                    params.put(n, weights.get(n).toNDArray(m, DataType.FLOAT32));
                }
            }
            assertThat(params).hasSize(28);
            List<Adam.Group> groups = Adam.groupsByPattern(params.keySet(), cfg.nodecayPattern(),
                    cfg.nodecayWeightDecay(), cfg.weightDecay());
            try (Adam opt = new Adam(true, cfg.beta1(), cfg.beta2(), cfg.eps(), cfg.amsgrad(), groups, m)) {
                for (int t = 0; t < 2; t++) {
                    Map<String, NDArray> grads = new LinkedHashMap<>();
                    for (String n : params.keySet()) {
                        NDArray g = cases.get("grad." + n).toNDArray(m, DataType.FLOAT32);
                        grads.put(n, t == 0 ? g : g.mul(-0.5f));
                    }
                    double lr = cfg.lr() * schedule.factor(t, 0);
                    double norm = GradClip.clipNorm(grads.values(), cfg.clipNorm());
                    opt.step(params, grads, lr);
                    JsonNode s = ref.get("steps_float32").get(t);
                    double coef = Math.min(1, cfg.clipNorm() / (norm + 1e-6));
                    double eNorm = Math.abs(norm - s.get("grad_norm_before_clip").asDouble());
                    double eCoef = Math.abs(coef - s.get("clip_coef").asDouble());
                    double eLr = Math.abs(lr - s.get("lr").get(0).asDouble());
                    double worst = 0;
                    String where = "";
                    for (String n : params.keySet()) {
                        String key = "step" + (t + 1) + "." + n;
                        if (!want.contains(key)) {
                            continue;
                        }
                        double[] w = want.get(key).toDoubleArray();
                        double[] g = params.get(n).toType(DataType.FLOAT64, false).toDoubleArray();
                        for (int i = 0; i < w.length; i++) {
                            if (Math.abs(w[i] - g[i]) > worst) {
                                worst = Math.abs(w[i] - g[i]);
                                where = key + "[" + i + "]";
                            }
                        }
                    }
                    String line = String.format(Locale.ROOT, "optimizer-only step %d: grad norm %.8f (err %.2g), clip %.9f"
                            + " (err %.2g), lr err %.2g, parameters max |err| %.3g at %s", t + 1, norm, eNorm, coef,
                            eCoef, eLr, worst, where);
                    lines.add(line);
                    if (!(eNorm <= 1e-5 && eCoef <= 1e-7 && eLr <= 1e-18 && worst <= 1e-6)) {
                        failures.add(line);
                    }
                }
            }
        }
        System.out.println("== crystalformer optimizer-only");
        lines.forEach(System.out::println);
        assertThat(failures).isEmpty();
    }

    /** Group 0 = the bias tensors (decay 0.01), group 1 = the rest; the reference's group 1 also lists the
     * buffers-like gauss_scale/atten_scale, which have no gradient and are not trainable here. */
    private static void checkGroups(List<Adam.Group> groups, JsonNode ref, Map<String, Parameter> named,
                                    List<String> failures) {
        for (int g = 0; g < 2; g++) {
            List<String> want = new ArrayList<>();
            for (JsonNode n : ref.get(g).get("params")) {
                if (named.get(n.asText()).requiresGradient()) {
                    want.add(n.asText());
                }
            }
            if (!groups.get(g).parameters().equals(want)) {
                failures.add("group " + g + ": " + groups.get(g).parameters() + " != " + want);
            }
            if (groups.get(g).weightDecay() != ref.get(g).get("weight_decay").asDouble()) {
                failures.add("group " + g + " weight decay " + groups.get(g).weightDecay());
            }
        }
    }

    private static void afterStepOne(String model, String box, String prec, NamedTensors before, NamedTensors after,
                                     JsonNode training, List<String> lines, List<String> failures) throws Exception {
        if (model.equals("small") && prec.equals("f32")) {
            NamedTensors ref = Safetensors.read(CrystalformerParityTest.dir().resolve("train/small_" + box
                    + "_f32_after_step1.safetensors"));
            double worst = 0;
            String where = "";
            long over = 0;
            for (String n : ref.names()) {
                double[] w = ref.get(n).toDoubleArray();
                double[] g = after.get(n).toDoubleArray();
                for (int i = 0; i < w.length; i++) {
                    double e = Math.abs(w[i] - g[i]);
                    if (e > 1e-6) {
                        over++;
                    }
                    if (e > worst) {
                        worst = e;
                        where = n + "[" + i + "]";
                    }
                }
            }
            String line = String.format(Locale.ROOT, "after step 1: small state dict max |err| %.3g at %s, %d elements"
                    + " > 1e-6 (tol 5e-6)", worst, where, over);
            lines.add(line);
            if (!(worst <= 5e-6) || !ref.names().equals(after.names())) {
                failures.add(line);
            }
        }
        if (model.equals("default") && box.equals("fixed") && prec.equals("f32")) {
            JsonNode sum = training.get("default_fixed_f32_after_step1_summary");
            double[] worst = new double[4];
            String[] keys = {"sum_delta", "sum_abs_delta", "max_abs_delta", "sum_after"};
            for (var it = sum.fields(); it.hasNext(); ) {
                var e = it.next();
                double[] b = before.get(e.getKey()).toDoubleArray();
                double[] a = after.get(e.getKey()).toDoubleArray();
                double sd = 0;
                double sad = 0;
                double mad = 0;
                double sa = 0;
                for (int i = 0; i < a.length; i++) {
                    double d = (double) (float) a[i] - b[i];
                    sd += d;
                    sad += Math.abs(d);
                    mad = Math.max(mad, Math.abs(d));
                    sa += a[i];
                }
                double[] got = {sd, sad, mad, sa};
                for (int k = 0; k < 4; k++) {
                    worst[k] = Math.max(worst[k], Math.abs(got[k] - e.getValue().get(keys[k]).asDouble()));
                }
            }
            String line = String.format(Locale.ROOT, "after step 1: default summaries max |err| sum_delta %.3g,"
                    + " sum_abs_delta %.3g, max_abs_delta %.3g, sum_after %.3g", worst[0], worst[1], worst[2], worst[3]);
            lines.add(line);
            if (!(worst[0] <= 1e-4 && worst[1] <= 1e-4 && worst[2] <= 5e-6 && worst[3] <= 1e-4)) {
                failures.add(line);
            }
        }
    }
}
