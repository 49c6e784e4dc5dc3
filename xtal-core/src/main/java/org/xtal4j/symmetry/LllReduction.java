package org.xtal4j.symmetry;

import org.xtal4j.geometry.IntMat3;
import org.xtal4j.structure.Lattice;

/**
 * Lenstra–Lenstra–Lovász reduction of a 3D lattice basis, following the same steps as pymatgen's
 * {@code Lattice.get_lll_reduced_lattice(delta=0.75)}: size reduction of vector k against k−1 … 1
 * with round-half-to-even, then the Lovász test, swapping and stepping back when it fails.
 *
 * <p>The result is an integer unimodular transformation T (rows = new vectors in units of the old)
 * and the reduced lattice {@code T · M}, computed from T so that it is an exact integer combination
 * of the input vectors. Handedness is not changed on purpose (LLL may swap two vectors).
 */
public final class LllReduction {

    /** pymatgen's default Lovász parameter. */
    public static final double DEFAULT_DELTA = 0.75;

    private static final int MAX_STEPS = 10_000;

    private LllReduction() {
    }

    public static ReducedLattice reduce(Lattice lattice) {
        return reduce(lattice, DEFAULT_DELTA);
    }

    public static ReducedLattice reduce(Lattice lattice, double delta) {
        if (!(delta > 0.25 && delta <= 1)) {
            throw new IllegalArgumentException("LLL delta must be in (0.25, 1], got " + delta);
        }
        double[][] a = lattice.matrix();
        int[][] t = IntMat3.identity();
        double[][] b = new double[3][3];
        double[][] mu = new double[3][3];
        double[] bb = new double[3];
        gramSchmidt(a, b, mu, bb);
        int k = 1;
        int steps = 0;
        while (k < 3) {
            if (++steps > MAX_STEPS) {
                throw new IllegalStateException("LLL reduction did not converge for " + lattice);
            }
            for (int j = k - 1; j >= 0; j--) {
                double q = Math.rint(mu[k][j]);
                if (q != 0) {
                    int qi = Math.toIntExact((long) q);
                    for (int c = 0; c < 3; c++) {
                        a[k][c] -= q * a[j][c];
                        t[k][c] = Math.subtractExact(t[k][c], Math.multiplyExact(qi, t[j][c]));
                    }
                    for (int l = 0; l < j; l++) {
                        mu[k][l] -= q * mu[j][l];
                    }
                    mu[k][j] -= q;
                }
            }
            if (bb[k] >= (delta - mu[k][k - 1] * mu[k][k - 1]) * bb[k - 1]) {
                k++;
            } else {
                double[] tmp = a[k];
                a[k] = a[k - 1];
                a[k - 1] = tmp;
                int[] ti = t[k];
                t[k] = t[k - 1];
                t[k - 1] = ti;
                gramSchmidt(a, b, mu, bb);
                k = Math.max(k - 1, 1);
            }
        }
        return new ReducedLattice(IntMat3.apply(t, lattice), t);
    }

    /** Gram–Schmidt vectors b, coefficients mu[i][j] = a_i·b_j / |b_j|², squared norms bb. */
    private static void gramSchmidt(double[][] a, double[][] b, double[][] mu, double[] bb) {
        for (int i = 0; i < 3; i++) {
            b[i] = a[i].clone();
            for (int j = 0; j < i; j++) {
                mu[i][j] = dot(a[i], b[j]) / bb[j];
                for (int c = 0; c < 3; c++) {
                    b[i][c] -= mu[i][j] * b[j][c];
                }
            }
            bb[i] = dot(b[i], b[i]);
        }
    }

    private static double dot(double[] u, double[] v) {
        return u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
    }
}
