package org.xtal4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class BackendTest {

    @Test
    void initialisesOfflineWithFlushDenormalOn() {
        Backend b = Backend.get();
        assertThat(b.engineVersion()).isEqualTo("2.5.1");
        assertThat(b.djlVersion()).isEqualTo("0.32.0");
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        assertThat(b.interopThreads()).isEqualTo(1);
        assertThat(b.threads()).isPositive();
        assertThat(b.deviceDescription()).isNotBlank();
        assertThat(b.describe()).contains("PyTorch 2.5.1").contains("FTZ/DAZ): on");
        System.out.println(b.describe());
        b.hints().forEach(h -> System.out.println("hint: " + h));
        // Java side of this thread: Float.MIN_NORMAL/4 is a denormal and must flush to 0
        assertThat(Backend.flushDenormalOnThisThread()).isTrue();
    }

    @Test
    void nativeOpsFlushDenormals() {
        Backend b = Backend.get();
        try (NDManager m = b.newManager()) {
            // denormal inputs are zero (DAZ) and a product of normal floats that would be a denormal is zero (FTZ)
            NDArray d = m.create(new float[] {1e-40f, 1f});
            assertThat(d.add(d).toFloatArray()).containsExactly(0f, 2f);
            // product of two normal floats whose exact result is a denormal: FTZ gives exactly 0
            NDArray x = m.create(new float[] {1e-20f, 1f});
            float[] y = x.mul(x).mul(1e-5f).toFloatArray();
            assertThat(y[0]).isEqualTo(0f);
            assertThat(y[1]).isEqualTo(1e-5f);
        }
    }

    @Test
    void precisionOptionIsRecorded() {
        Backend b = Backend.get();
        Precision before = b.precision();
        try {
            assertThat(Backend.initialise(Backend.Options.defaults().withPrecision(Precision.FLOAT64)).precision())
                    .isEqualTo(Precision.FLOAT64);
            assertThat(Backend.get().precision().dataType()).isEqualTo(DataType.FLOAT64);
        } finally {
            Backend.initialise(Backend.Options.defaults().withPrecision(before));
        }
        assertThat(Precision.parse("F64")).isEqualTo(Precision.FLOAT64);
        assertThat(Precision.parse("single")).isEqualTo(Precision.FLOAT32);
    }

    @Test
    void gradientOfSmallFunctionMatchesAnalytic() {
        // f(x) = Σ x² sin(x): f'(x) = 2x sin x + x² cos x
        double[] xs = {-1.3, 0.2, 0.7, 2.5};
        try (NDManager m = Backend.get().newManager()) {
            NDArray x = m.create(xs);
            x.setRequiresGradient(true);
            try (GradientCollector gc = Backend.get().engine().newGradientCollector()) {
                NDArray f = x.square().mul(x.sin()).sum();
                gc.backward(f);
            }
            double[] g = x.getGradient().toDoubleArray();
            for (int i = 0; i < xs.length; i++) {
                double v = xs[i];
                assertThat(g[i]).isCloseTo(2 * v * Math.sin(v) + v * v * Math.cos(v), within(1e-12));
            }
        }
    }
}
