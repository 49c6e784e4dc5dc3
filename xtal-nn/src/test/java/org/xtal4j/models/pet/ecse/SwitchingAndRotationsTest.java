package org.xtal4j.models.pet.ecse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xtal4j.nn.Autograd;
import org.xtal4j.nn.Backend;

/**
 * Lambert W, T(β), the switching functions (double and NDArray forms, gradients finite at and beyond the switch
 * ends) and the random rotations / augmentation, from their defining properties.
 */
class SwitchingAndRotationsTest {

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = Backend.get().newManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void lambertWInvertsWTimesExpW() {
        assertThat(LambertW.w0(0)).isZero();
        assertThat(LambertW.w0(Math.E)).isCloseTo(1.0, within(1e-15));
        assertThat(LambertW.w0(-1 / Math.E)).isCloseTo(-1.0, within(1e-7));
        assertThat(LambertW.w0(-0.5)).isNaN();
        for (double x : new double[] {-0.36, -0.3, -0.1, 1e-6, 0.3, Math.exp(-1), 1, 2.5, 10, 1e3, 1e10}) {
            double w = LambertW.w0(x);
            assertThat(w).isGreaterThanOrEqualTo(-1);
            assertThat(w * Math.exp(w)).isCloseTo(x, within(2e-15 * Math.max(1, Math.abs(x))));
        }
    }

    @Test
    void tBetaIsTheSmallestOffsetThatBoundsTheMaximum() {
        // SMax_β(a, b) + T(β) ≥ max(a, b), with equality approached at the worst gap
        for (double beta : new double[] {1, 5, 20}) {
            double t = Switching.tBeta(beta);
            double worst = Double.MAX_VALUE;
            for (int k = 0; k <= 20000; k++) {
                double d = k * 5.0 / 20000 / beta; // b = a − d
                double v = Switching.smoothMax(new double[] {1, 1 - d}, new double[] {1, 1}, beta) + t - 1;
                assertThat(v).isGreaterThanOrEqualTo(-1e-15);
                worst = Math.min(worst, v);
            }
            assertThat(worst).isLessThan(1e-6 / beta);
        }
    }

    @Test
    void switchingFunctionsHaveTheirEndValuesAndAgreeBetweenForms() {
        double r = 3.0;
        double d = 0.4;
        assertThat(Switching.cutoff(r - d, r, d)).isEqualTo(1.0);
        assertThat(Switching.cutoff(r, r, d)).isEqualTo(0.0);
        assertThat(Switching.cutoff(r - d / 2, r, d)).isCloseTo(0.5, within(1e-15));
        assertThat(Switching.switchOn(0.2, 0.2, 0.15, false)).isEqualTo(0.0);
        assertThat(Switching.switchOn(0.35, 0.2, 0.15, false)).isEqualTo(1.0);
        assertThat(Switching.switchOn(0.5, 0.2, 0.15, true)).isCloseTo(2.0, within(1e-15)); // keeps growing
        Random rng = new Random(1);
        double[] xs = new double[400];
        for (int k = 0; k < xs.length; k++) {
            xs[k] = 2.4 + 0.8 * rng.nextDouble();
        }
        for (DataType dt : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
            NDArray x = manager.create(xs).toType(dt, false);
            double[] f = Tensors.host(Switching.cutoff(x, r, d));
            double[] q = Tensors.host(Switching.switchOn(x, 2.7, 0.3, true));
            double tol = dt == DataType.FLOAT64 ? 1e-14 : 2e-6;
            double prev = 2;
            double[] sorted = xs.clone();
            java.util.Arrays.sort(sorted);
            for (double s : sorted) {
                double v = Switching.cutoff(s, r, d);
                assertThat(v).isLessThanOrEqualTo(prev); // monotone
                prev = v;
            }
            for (int k = 0; k < xs.length; k++) {
                double xk = dt == DataType.FLOAT64 ? xs[k] : (float) xs[k];
                assertThat(f[k]).isCloseTo(Switching.cutoff(xk, r, d), within(tol));
                assertThat(q[k]).isCloseTo(Switching.switchOn(xk, 2.7, 0.3, true), within(4 * tol));
            }
        }
    }

    @Test
    void gradientsAreFiniteAtAndBeyondTheSwitchEnds() {
        double r = 3.0;
        double d = 0.4;
        double[] pts = {r - d - 0.1, r - d, r - d + 1e-9, r - 0.2, r - 1e-9, r, r + 0.1};
        NDArray x = manager.create(pts);
        x.setRequiresGradient(true);
        double[] g;
        try (GradientCollector gc = Backend.get().engine().newGradientCollector()) {
            NDArray y = Switching.cutoff(x, r, d).add(Switching.switchOn(x, r - d, d, true));
            Autograd.backward(y.sum());
            g = Tensors.host(x.getGradient());
        }
        for (int k = 0; k < pts.length; k++) {
            assertThat(g[k]).as("gradient at %s", pts[k]).isFinite();
            double h = 1e-7;
            double fd = (Switching.cutoff(pts[k] + h, r, d) + Switching.switchOn(pts[k] + h, r - d, d, true)
                    - Switching.cutoff(pts[k] - h, r, d) - Switching.switchOn(pts[k] - h, r - d, d, true)) / (2 * h);
            assertThat(g[k]).isCloseTo(fd, within(1e-6));
        }
    }

    @Test
    void randomRotationsAreUniformOrthogonalAndProperOrImproper() {
        Random rng = new Random(2);
        int improper = 0;
        double[] meanZ = new double[3];
        int n = 4000;
        for (int t = 0; t < n; t++) {
            double[][] r = Rotations.randomProper(rng);
            assertThat(Rotations.determinant(r)).isCloseTo(1.0, within(1e-12));
            double[][] rt = Rotations.transpose(r);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double s = 0;
                    for (int k = 0; k < 3; k++) {
                        s += r[i][k] * rt[k][j];
                    }
                    assertThat(s).isCloseTo(i == j ? 1 : 0, within(1e-12));
                }
                meanZ[i] += r[2][i] / n; // the image of a fixed axis is uniform on the sphere
            }
            if (Rotations.determinant(Rotations.randomO3(rng)) < 0) {
                improper++;
            }
        }
        for (double m : meanZ) {
            assertThat(Math.abs(m)).isLessThan(0.05);
        }
        assertThat(improper).isBetween(n / 2 - 200, n / 2 + 200);
    }
}
