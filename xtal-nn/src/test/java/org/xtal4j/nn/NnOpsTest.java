package org.xtal4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class NnOpsTest {

    private static final double NEG_INF = Double.NEGATIVE_INFINITY;

    @Test
    void logSumExpHandlesMasksAndFullyMaskedRows() {
        double[][] rows = {{1.0, 2.0, 3.0}, {-1000.0, -1001.0, NEG_INF}, {NEG_INF, NEG_INF, NEG_INF}, {5.0, NEG_INF, 4.0}};
        try (NDManager m = Backend.get().newManager()) {
            NDArray x = m.create(flatten(rows), new Shape(4, 3));
            x.setRequiresGradient(true);
            double[] lse;
            try (GradientCollector gc = Backend.get().engine().newGradientCollector()) {
                NDArray out = NnOps.logSumExp(x, 1);
                lse = out.toDoubleArray();
                // weights keep the −inf row out of the sum (its value is −inf)
                NDArray finite = out.isInfinite().logicalNot();
                gc.backward(ai.djl.ndarray.NDArrays.where(finite, out, out.zerosLike()).sum());
            }
            assertThat(lse[0]).isCloseTo(Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)), within(1e-12));
            assertThat(lse[1]).isCloseTo(-1000 + Math.log(1 + Math.exp(-1)), within(1e-12));
            assertThat(lse[2]).isEqualTo(NEG_INF);
            assertThat(lse[3]).isCloseTo(5 + Math.log(1 + Math.exp(-1)), within(1e-12));
            double[] g = x.getGradient().toDoubleArray();
            for (double v : g) {
                assertThat(Double.isNaN(v)).isFalse();
            }
            // gradient of logsumexp is the softmax; zero for masked entries and for the fully masked row
            double s = Math.exp(1) + Math.exp(2) + Math.exp(3);
            assertThat(g[0]).isCloseTo(Math.exp(1) / s, within(1e-12));
            assertThat(g[2]).isCloseTo(Math.exp(3) / s, within(1e-12));
            assertThat(g[5]).isZero();
            assertThat(new double[] {g[6], g[7], g[8]}).containsOnly(0.0);
            assertThat(g[10]).isZero();
        }
    }

    @Test
    void expClippedFloorsTheArgument() {
        try (NDManager m = Backend.get().newManager()) {
            NDArray x = m.create(new float[] {-300f, -80f, 0f, 2f});
            x.setRequiresGradient(true);
            float[] y;
            try (GradientCollector gc = Backend.get().engine().newGradientCollector()) {
                NDArray out = NnOps.expClipped(x);
                y = out.toFloatArray();
                gc.backward(out.sum());
            }
            assertThat(y[0]).isEqualTo((float) Math.exp(-80)).isPositive();
            assertThat(y[3]).isCloseTo((float) Math.exp(2), within(1e-5f));
            float[] g = x.getGradient().toFloatArray();
            assertThat(g[0]).isZero();                       // below the floor: no gradient
            assertThat(g[3]).isCloseTo((float) Math.exp(2), within(1e-5f));
        }
    }

    @Test
    void segmentSumAndMeanScatterAddDuplicates() {
        try (NDManager m = Backend.get().newManager()) {
            NDArray vals = m.create(new double[] {1, 10, 2, 20, 3, 30, 4, 40}, new Shape(4, 2));
            vals.setRequiresGradient(true);
            NDArray seg = m.create(new long[] {0, 2, 0, 2});
            double[] sum;
            double[] mean;
            try (GradientCollector gc = Backend.get().engine().newGradientCollector()) {
                NDArray s = NnOps.segmentSum(vals, seg, 3);
                sum = s.toDoubleArray();
                mean = NnOps.segmentMean(vals, seg, 3).toDoubleArray();
                gc.backward(s.mul(m.create(new double[] {1, 2, 3, 4, 5, 6}, new Shape(3, 2))).sum());
            }
            assertThat(sum).containsExactly(4, 40, 0, 0, 6, 60);
            assertThat(mean).containsExactly(2, 20, 0, 0, 3, 30);
            // d/dvals[p] = weight row of its segment
            assertThat(vals.getGradient().toDoubleArray()).containsExactly(1, 2, 5, 6, 1, 2, 5, 6);
        }
    }

    private static double[] flatten(double[][] a) {
        double[] out = new double[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, out, i * a[0].length, a[0].length);
        }
        return out;
    }
}
