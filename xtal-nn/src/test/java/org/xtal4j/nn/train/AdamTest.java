package org.xtal4j.nn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xtal4j.nn.Backend;

/** Adam/AdamW steps in float64 against the update rules of the PyTorch documentation, computed here by hand. */
class AdamTest {

    private static final double[] P0 = {0.5, -1.25, 2.0};
    private static final double[][] GRADS = {{0.1, -0.2, 0.3}, {-0.4, 0.05, 0.3}, {0.2, 0.0, -0.6}};

    /** torch.optim.AdamW / Adam pseudo-code, scalar by scalar. */
    private static double[] reference(boolean decoupled, boolean amsgrad, double lr, double b1, double b2, double eps,
                                      double wd) {
        double[] p = P0.clone();
        double[] m = new double[3];
        double[] v = new double[3];
        double[] vmax = new double[3];
        for (int t = 1; t <= GRADS.length; t++) {
            for (int i = 0; i < 3; i++) {
                double g = GRADS[t - 1][i];
                if (decoupled) {
                    p[i] *= 1 - lr * wd;
                } else {
                    g += wd * p[i];
                }
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mh = m[i] / (1 - Math.pow(b1, t));
                vmax[i] = Math.max(vmax[i], v[i]);
                double vh = (amsgrad ? vmax[i] : v[i]) / (1 - Math.pow(b2, t));
                p[i] -= lr * mh / (Math.sqrt(vh) + eps);
            }
        }
        return p;
    }

    private static double[] run(boolean decoupled, boolean amsgrad, double lr, double b1, double b2, double eps,
                                double wd) {
        try (NDManager m = Backend.get().newManager()) {
            NDArray p = m.create(P0.clone());
            try (Adam adam = new Adam(decoupled, b1, b2, eps, amsgrad, List.of(new Adam.Group("all",
                    List.of("w"), wd)), m)) {
                for (double[] g : GRADS) {
                    adam.step(Map.of("w", p), Map.of("w", m.create(g)), lr);
                }
                assertThat(adam.steps("w")).isEqualTo(3);
            }
            return p.toDoubleArray();
        }
    }

    @Test
    void adamWMatchesHandComputedSteps() {
        double[] got = run(true, false, 0.01, 0.9, 0.98, 1e-8, 0.1);
        double[] want = reference(true, false, 0.01, 0.9, 0.98, 1e-8, 0.1);
        for (int i = 0; i < 3; i++) {
            assertThat(got[i]).isCloseTo(want[i], within(1e-14));
        }
        // the decay is decoupled: different from L2-regularised Adam with the same numbers
        double[] l2 = reference(false, false, 0.01, 0.9, 0.98, 1e-8, 0.1);
        assertThat(Math.abs(l2[2] - want[2])).isGreaterThan(1e-6);
    }

    @Test
    void adamWithL2DecayAndAmsgradMatchHandComputedSteps() {
        double[] got = run(false, false, 0.02, 0.9, 0.999, 1e-7, 0.05);
        double[] want = reference(false, false, 0.02, 0.9, 0.999, 1e-7, 0.05);
        double[] gotA = run(true, true, 0.02, 0.9, 0.9, 1e-7, 1e-4);
        double[] wantA = reference(true, true, 0.02, 0.9, 0.9, 1e-7, 1e-4);
        double[] noAms = reference(true, false, 0.02, 0.9, 0.9, 1e-7, 1e-4);
        for (int i = 0; i < 3; i++) {
            assertThat(got[i]).isCloseTo(want[i], within(1e-14));
            assertThat(gotA[i]).isCloseTo(wantA[i], within(1e-14));
        }
        // |g| shrinks at steps 2 and 3 (elements 0 and 1), so amsgrad's running max matters
        assertThat(Math.abs(noAms[0] - wantA[0]) + Math.abs(noAms[1] - wantA[1])).isGreaterThan(1e-6);
    }

    @Test
    void firstStepIsPlusMinusLrAndMissingGradientsSkip() {
        try (NDManager m = Backend.get().newManager()) {
            NDArray a = m.create(new double[] {1, 2});
            NDArray b = m.create(new double[] {3, 4});
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("a.weight", a);
            params.put("b.bias", b);
            List<Adam.Group> groups = Adam.groupsByPattern(params.keySet(), "bias", 0.01, 0.0);
            assertThat(groups.get(0).parameters()).containsExactly("b.bias");
            try (Adam adam = new Adam(true, 0.9, 0.999, 1e-8, false, groups, m)) {
                Map<String, NDArray> grads = new LinkedHashMap<>();
                grads.put("a.weight", m.create(new double[] {0.3, -7}));
                adam.step(params, grads, 1e-3);   // no gradient for b: untouched, not even decayed
                assertThat(a.toDoubleArray()[0]).isCloseTo(1 - 1e-3, within(1e-10));
                assertThat(a.toDoubleArray()[1]).isCloseTo(2 + 1e-3, within(1e-10));
                assertThat(b.toDoubleArray()).containsExactly(3, 4);
                assertThat(adam.steps("b.bias")).isZero();
                Adam.State s = adam.saveState();
                assertThat(s.tensors()).containsOnlyKeys("m.a.weight", "v.a.weight");
                assertThatThrownBy(() -> adam.step(Map.of("c", a), Map.of("c", a), 1e-3))
                        .hasMessageContaining("'c' is in no optimiser group");
            }
        }
    }

    @Test
    void gradientNormClippingAsTorch() {
        try (NDManager m = Backend.get().newManager()) {
            NDArray g1 = m.create(new double[] {3, 0});
            NDArray g2 = m.create(new double[][] {{0, 4}, {0, 12}});   // total norm 13
            double n = GradClip.clipNorm(List.of(g1, g2), 1.0);
            assertThat(n).isCloseTo(13, within(1e-12));
            double c = 1 / (13 + 1e-6);
            assertThat(g1.toDoubleArray()[0]).isCloseTo(3 * c, within(1e-15));
            assertThat(g2.toDoubleArray()[3]).isCloseTo(12 * c, within(1e-15));
            NDArray small = m.create(new double[] {0.1, 0.2});
            GradClip.clipNorm(List.of(small), 1.0);   // below the limit: unchanged
            assertThat(small.toDoubleArray()).containsExactly(0.1, 0.2);
            NDArray v = m.create(new double[] {-2, 0.5, 3});
            GradClip.clipValue(List.of(v), 1.0);
            assertThat(v.toDoubleArray()).containsExactly(-1, 0.5, 1);
        }
    }

    @Test
    void schedules() {
        LrSchedule inv = LrSchedule.of("inverse_sqrt_nowarmup", 4000);
        assertThat(inv.factor(0, 0)).isEqualTo(1.0);
        assertThat(inv.factor(1, 0)).isCloseTo(Math.sqrt(4000.0 / 4001.0), within(1e-16));
        assertThat(inv.factor(12000, 7)).isCloseTo(0.5, within(1e-16));
        LrSchedule pet = LrSchedule.of("step_halving", 2, 3);
        assertThat(new double[] {pet.factor(99, 0), pet.factor(0, 1), pet.factor(0, 2), pet.factor(0, 4),
                pet.factor(0, 5), pet.factor(0, 11)}).containsExactly(0, 0.5, 1, 1, 0.5, 0.125);
        LrSchedule ms = LrSchedule.of("multistep", 10, 20);
        assertThat(ms.factor(9, 0)).isEqualTo(1.0);
        assertThat(ms.factor(10, 0)).isCloseTo(0.1, within(1e-16));
        assertThat(ms.factor(25, 0)).isCloseTo(0.01, within(1e-16));
        assertThat(LrSchedule.of("const").factor(1000, 50)).isEqualTo(1.0);
        assertThatThrownBy(() -> LrSchedule.of("cosine")).hasMessageContaining("unknown lr_sch 'cosine'");
        assertThatThrownBy(() -> LrSchedule.of("inverse_sqrt_nowarmup")).hasMessageContaining("needs sch_params");
    }
}
