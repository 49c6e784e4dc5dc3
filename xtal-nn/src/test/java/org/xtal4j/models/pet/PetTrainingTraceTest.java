package org.xtal4j.models.pet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xtal4j.nn.Autograd;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.io.NamedTensors;
import org.xtal4j.nn.io.Safetensors;
import org.xtal4j.nn.train.Adam;
import org.xtal4j.structure.Structure;

/**
 * The reference's 5-step training trace ({@code training/trace.json}): self-contributions, σ's from the
 * validation set and their sliding update, the energy + force loss with the stored augmentation rotations
 * (second-order autograd), the step-1 gradients, Adam, and the parameters after steps 1 and 5.
 */
@Tag("shared")
class PetTrainingTraceTest {

    @Test
    void float64TraceMatches() throws Exception {
        Worst w = runTrace(DataType.FLOAT64, "float64");
        System.out.printf(Locale.ROOT, "PET training trace f64: self-contributions %.2e, loss rel %.2e, σ rel %.2e,"
                + " val RMSE rel %.2e, step-1 grads %.2e of tensor max, params after step 1 %.2e, after step 5 %.2e"
                + " (entries with |g| >= 1e-6: %.2e)%n", w.selfContrib, w.loss, w.sigma, w.rmse, w.grad, w.params1,
                w.params5, w.params5Strong);
        assertThat(w.selfContrib).isLessThan(1e-8);
        assertThat(w.loss).isLessThan(1e-9);
        assertThat(w.sigma).isLessThan(1e-6);
        assertThat(w.grad).isLessThan(1e-8);
        assertThat(w.params1).isLessThan(1e-9);
        assertThat(w.params5Strong).isLessThan(1e-8);
    }

    @Test
    void float32TraceMatches() throws Exception {
        Worst w = runTrace(DataType.FLOAT32, "float32");
        System.out.printf(Locale.ROOT, "PET training trace f32 (vs f32 reference): loss rel %.2e, σ rel %.2e,"
                + " val RMSE rel %.2e, step-1 grads %.2e of tensor max, params after step 1 %.2e, after step 5 %.2e"
                + " (entries with |g| >= 1e-6: %.2e)%n", w.loss, w.sigma, w.rmse, w.grad, w.params1, w.params5,
                w.params5Strong);
        assertThat(w.loss).isLessThan(1e-5);
        assertThat(w.grad).isLessThan(1e-5);
        assertThat(w.params1Strong).isLessThan(1e-6);
    }

    static final class Worst {
        double selfContrib;
        double loss;
        double sigma;
        double rmse;
        double grad;
        double params1;
        double params1Strong;
        double params5;
        double params5Strong;
    }

    private static Worst runTrace(DataType type, String key) throws Exception {
        JsonNode trace = PetFixtures.json("training/trace.json");
        JsonNode run = trace.get(key);
        Worst w = new Worst();
        List<String> order = new ArrayList<>();
        trace.get("dataset_order").forEach(n -> order.add(n.asText()));
        Map<String, PetGraph> graphs = new LinkedHashMap<>();
        Map<String, double[][]> forces = new LinkedHashMap<>();
        Map<String, Double> target = new LinkedHashMap<>();
        List<Map<String, Integer>> counts = new ArrayList<>();
        double[] energies = new double[order.size()];
        for (int k = 0; k < order.size(); k++) {
            String name = order.get(k);
            JsonNode in = PetFixtures.input(name, "original");
            Structure s = PetFixtures.structure(in);
            graphs.put(name, PetFixtures.referenceGraph(name, in));
            forces.put(name, PetFixtures.matrix(in.get("labels").get("forces")));
            energies[k] = in.get("labels").get("energy").asDouble();
            counts.add(PetPlugin.counts(s));
        }
        // self-contributions and corrected targets
        Map<String, Double> self = SelfContributions.fit(counts, energies);
        String[] sym = {"H", "C", "Cu"};
        for (int i = 0; i < 3; i++) {
            w.selfContrib = Math.max(w.selfContrib, Math.abs(self.get(sym[i])
                    - run.get("self_contributions").get(i).asDouble()));
        }
        for (int k = 0; k < order.size(); k++) {
            double base = 0;
            for (Map.Entry<String, Integer> c : counts.get(k).entrySet()) {
                base += c.getValue() * self.get(c.getKey());
            }
            target.put(order.get(k), energies[k] - base);
            w.selfContrib = Math.max(w.selfContrib, Math.abs(energies[k] - base
                    - run.get("corrected_energy_targets").get(k).asDouble()));
        }
        // initial σ's: population std of the corrected validation energies, RMS of validation forces (float32)
        double mean = target.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double var = target.values().stream().mapToDouble(v -> (v - mean) * (v - mean)).average().orElseThrow();
        double sigmaE = Math.sqrt(var);
        double f2 = 0;
        int fn = 0;
        for (double[][] f : forces.values()) {
            for (double[] r : f) {
                for (double v : r) {
                    f2 += v * v;
                    fn++;
                }
            }
        }
        double sigmaF = (float) Math.sqrt(f2 / fn);

        try (NDManager m = Backend.get().newManager()) {
            PetBlock block = PetFixtures.block(m, type);
            ParameterStore ps = PetFixtures.store(m);
            PetBackbone bb = new PetBackbone(block);
            Map<String, NDArray> params = new LinkedHashMap<>();
            block.namedParameters().forEach((n, p) -> params.put(n, p.getArray()));
            try (Adam adam = new Adam(false, 0.9, 0.999, 1e-8, false,
                    Adam.groupsByPattern(params.keySet(), "\u0000", 0, 0), m)) {
                JsonNode steps = run.get("steps");
                for (int s = 0; s < steps.size(); s++) {
                    JsonNode st = steps.get(s);
                    w.sigma = Math.max(w.sigma, Math.abs(sigmaE - st.get("sigma_energy").asDouble())
                            / st.get("sigma_energy").asDouble());
                    w.sigma = Math.max(w.sigma, Math.abs(sigmaF - st.get("sigma_forces").asDouble())
                            / st.get("sigma_forces").asDouble());
                    List<String> batch = new ArrayList<>();
                    st.get("batch_order").forEach(n -> batch.add(n.asText()));
                    double[][] rot = new double[batch.size()][];
                    for (int b = 0; b < batch.size(); b++) {
                        double[][] r = PetFixtures.matrix(st.get("augmentation_rotation").get(batch.get(b)));
                        rot[b] = new double[] {r[0][0], r[0][1], r[0][2], r[1][0], r[1][1], r[1][2], r[2][0], r[2][1],
                            r[2][2]};
                    }
                    double lossValue;
                    Map<String, NDArray> grads = new LinkedHashMap<>();
                    try (NDManager sm = m.newSubManager()) {
                        PetGraph g = PetGraph.batch(batch.stream().map(graphs::get).toList());
                        try (NDScope scope = new NDScope()) {
                            Autograd.zeroGrad(params.values());
                            NDArray x = g.edgeVectors(sm, type);
                            x.setRequiresGradient(true);
                            try (GradientCollector gc = Backend.get().engine().newGradientCollector()) {
                                NDArray e = bb.energy(ps, g, RotationalAugmentation.apply(g, x, rot), true);
                                Autograd.backwardCreateGraph(e.sum());
                                NDArray f = PetBackbone.forces(g, x.getGradient());
                                Autograd.zeroGrad(params.values());
                                NDArray loss = PetLoss.loss(e, labels(sm, batch, target, type), f,
                                        forceLabels(sm, batch, forces, type), 0.1, sigmaE, sigmaF);
                                Autograd.backward(loss);
                                lossValue = loss.toType(DataType.FLOAT64, false).getDouble();
                            }
                            Autograd.detachGrads(params.values());
                            Autograd.detachGrad(x);
                        }
                        double ref = st.get("loss").asDouble();
                        w.loss = Math.max(w.loss, Math.abs(lossValue - ref) / ref);
                        for (Map.Entry<String, NDArray> e : params.entrySet()) {
                            PtNDArray gr = JniUtils.getGradient((PtNDArray) e.getValue());
                            if (gr != null) {
                                grads.put(e.getKey(), gr);
                            }
                        }
                        if (s == 0) {
                            w.grad = compareGrads(grads, Safetensors.read(PetFixtures.DIR.resolve(
                                    "training/grads_step1_" + key + ".safetensors")));
                        }
                        adam.step(params, grads, st.get("lr").asDouble());
                        grads.values().forEach(NDArray::close);
                    }
                    if (s == 0 || s == steps.size() - 1) {
                        NamedTensors after = Safetensors.read(PetFixtures.DIR.resolve("training/params_after_step"
                                + (s + 1) + "_" + key + ".safetensors"));
                        NamedTensors g1 = Safetensors.read(PetFixtures.DIR.resolve("training/grads_step1_float64"
                                + ".safetensors"));
                        double[] d = compareParams(params, after, g1);
                        if (s == 0) {
                            w.params1 = d[0];
                            w.params1Strong = d[1];
                        } else {
                            w.params5 = d[0];
                            w.params5Strong = d[1];
                        }
                    }
                    // validation (no augmentation) and the sliding σ update
                    double[] rmse = validate(bb, ps, m, graphs, target, forces, order, type);
                    double rE = st.get("after_step_validation_rmse_energy").asDouble();
                    double rF = st.get("after_step_validation_rmse_forces").asDouble();
                    w.rmse = Math.max(w.rmse, Math.max(Math.abs(rmse[0] - rE) / rE, Math.abs(rmse[1] - rF) / rF));
                    sigmaE = PetLoss.slide(sigmaE, rmse[0]);
                    sigmaF = PetLoss.slide(sigmaF, rmse[1]);
                }
            }
        }
        return w;
    }

    private static NDArray labels(NDManager m, List<String> batch, Map<String, Double> target, DataType type) {
        double[] y = batch.stream().mapToDouble(target::get).toArray();
        return m.create(y).toType(type, false);
    }

    private static NDArray forceLabels(NDManager m, List<String> batch, Map<String, double[][]> forces,
                                       DataType type) {
        List<Double> v = new ArrayList<>();
        for (String b : batch) {
            for (double[] r : forces.get(b)) {
                for (double x : r) {
                    v.add(x);
                }
            }
        }
        return m.create(v.stream().mapToDouble(Double::doubleValue).toArray(), new Shape(v.size() / 3, 3))
                .toType(type, false);
    }

    /** Validation RMSE of energies (per structure) and forces (per component), one structure at a time. */
    private static double[] validate(PetBackbone bb, ParameterStore ps, NDManager m, Map<String, PetGraph> graphs,
                                     Map<String, Double> target, Map<String, double[][]> forces, List<String> order,
                                     DataType type) {
        double se = 0;
        double sf = 0;
        int nf = 0;
        for (String name : order) {
            PetBackboneParityTest.Result r = PetBackboneParityTest.run(bb, ps, m, graphs.get(name), type);
            se += Math.pow(r.energy() - target.get(name), 2);
            double[][] f = forces.get(name);
            for (int i = 0; i < f.length; i++) {
                for (int a = 0; a < 3; a++) {
                    sf += Math.pow(r.forces()[i][a] - f[i][a], 2);
                    nf++;
                }
            }
        }
        return new double[] {Math.sqrt(se / order.size()), Math.sqrt(sf / nf)};
    }

    private static double compareGrads(Map<String, NDArray> grads, NamedTensors ref) {
        double worst = 0;
        assertThat(grads.keySet()).containsExactlyInAnyOrderElementsOf(ref.names());
        for (String n : ref.names()) {
            double[] want = ref.get(n).toDoubleArray();
            double[] got = grads.get(n).toType(DataType.FLOAT64, false).toDoubleArray();
            double scale = 0;
            for (double v : want) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < want.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] - want[i]) / Math.max(scale, 1e-300));
            }
        }
        return worst;
    }

    /** [worst |Δp| over all entries, worst over entries whose float64 step-1 gradient is ≥ 1e-6]. */
    private static double[] compareParams(Map<String, NDArray> params, NamedTensors ref, NamedTensors grads1) {
        double all = 0;
        double strong = 0;
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            double[] want = ref.get(e.getKey()).toDoubleArray();
            double[] got = e.getValue().toType(DataType.FLOAT64, false).toDoubleArray();
            double[] g = grads1.contains(e.getKey()) ? grads1.get(e.getKey()).toDoubleArray() : null;
            for (int i = 0; i < want.length; i++) {
                double d = Math.abs(got[i] - want[i]);
                all = Math.max(all, d);
                if (g != null && Math.abs(g[i]) >= 1e-6) {
                    strong = Math.max(strong, d);
                }
            }
        }
        return new double[] {all, strong};
    }
}
