package org.xtal4j.geometry;

import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Mat3;
import org.xtal4j.structure.Structure;
import org.xtal4j.symmetry.LllReduction;

/**
 * Minimum-image distances under periodic boundary conditions.
 *
 * <p>Wrapping the fractional difference into [−0.5, 0.5) is not enough for oblique cells (wrong by
 * up to 4 Å on real files), so the lattice is LLL-reduced first and the nearest image is then found
 * exactly: starting from the rounded difference in the reduced basis, with distance d0, the true
 * nearest image n must satisfy |u_k + n_k| ≤ d0·|b*_k| on every axis (b* = reciprocal vectors of
 * the reduced basis), and all n in that small box are tried. This is a proof, not a heuristic
 * ±1/±2 search, and on a reduced basis the box rarely exceeds 3 images per axis.
 *
 * <p>Axes that are not periodic get no images (and no reduction is done then).
 */
public final class MinimumImage {

    private final double[][] basis;      // reduced basis rows (Å)
    private final double[][] inverse;    // Cartesian → fractional in the reduced basis
    private final double[] recip;        // |b*_k| of the reduced basis
    private final boolean[] pbc;

    private MinimumImage(Lattice lattice, boolean[] pbc) {
        this.pbc = pbc.clone();
        Lattice reduced = pbc[0] && pbc[1] && pbc[2] ? LllReduction.reduce(lattice).lattice() : lattice;
        this.basis = reduced.matrix();
        this.inverse = reduced.inverseMatrix();
        this.recip = new double[3];
        for (int k = 0; k < 3; k++) {
            // row k of the reciprocal = column k of the inverse
            recip[k] = Math.sqrt(inverse[0][k] * inverse[0][k] + inverse[1][k] * inverse[1][k]
                    + inverse[2][k] * inverse[2][k]);
        }
    }

    /** For a lattice periodic in all three directions. */
    public static MinimumImage of(Lattice lattice) {
        return new MinimumImage(lattice, new boolean[] {true, true, true});
    }

    /** For a lattice with the given periodic directions. */
    public static MinimumImage of(Lattice lattice, boolean[] pbc) {
        if (pbc.length != 3) {
            throw new IllegalArgumentException("pbc needs 3 flags");
        }
        return new MinimumImage(lattice, pbc);
    }

    public static MinimumImage of(Structure s) {
        return new MinimumImage(s.lattice(), s.pbc());
    }

    /** The shortest Cartesian vector from point a to any periodic image of point b (Cartesian inputs, Å). */
    public double[] shortestVector(double[] cartA, double[] cartB) {
        double[] out = new double[3];
        nearest(cartB[0] - cartA[0], cartB[1] - cartA[1], cartB[2] - cartA[2], out);
        return out;
    }

    /** The minimum-image distance between two Cartesian points (Å). */
    public double distance(double[] cartA, double[] cartB) {
        return Math.sqrt(nearest(cartB[0] - cartA[0], cartB[1] - cartA[1], cartB[2] - cartA[2], null));
    }

    /** Minimum-image distance between sites i and j of a structure. */
    public static double distance(Structure s, int i, int j) {
        return of(s).distance(s.cartesian(i), s.cartesian(j));
    }

    /** The n×n minimum-image distance matrix of a structure; d_ii = 0. */
    public static double[][] distanceMatrix(Structure s) {
        return of(s).distanceMatrix(s.cartesianCoordinates());
    }

    /** The n×n minimum-image distance matrix of Cartesian points; d_ii = 0. */
    public double[][] distanceMatrix(double[][] cart) {
        int n = cart.length;
        // fractional coordinates in the reduced basis
        double[] u = new double[3 * n];
        for (int i = 0; i < n; i++) {
            double[] f = Mat3.mulVec(cart[i], inverse);
            u[3 * i] = f[0];
            u[3 * i + 1] = f[1];
            u[3 * i + 2] = f[2];
        }
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double v = Math.sqrt(nearestFrac(u[3 * j] - u[3 * i], u[3 * j + 1] - u[3 * i + 1],
                        u[3 * j + 2] - u[3 * i + 2], null));
                d[i][j] = v;
                d[j][i] = v;
            }
        }
        return d;
    }

    /** Squared minimum-image length of the Cartesian vector (dx, dy, dz); the vector goes to out. */
    private double nearest(double dx, double dy, double dz, double[] out) {
        double f0 = dx * inverse[0][0] + dy * inverse[1][0] + dz * inverse[2][0];
        double f1 = dx * inverse[0][1] + dy * inverse[1][1] + dz * inverse[2][1];
        double f2 = dx * inverse[0][2] + dy * inverse[1][2] + dz * inverse[2][2];
        return nearestFrac(f0, f1, f2, out);
    }

    private double nearestFrac(double f0, double f1, double f2, double[] out) {
        if (pbc[0]) {
            f0 -= Math.rint(f0);
        }
        if (pbc[1]) {
            f1 -= Math.rint(f1);
        }
        if (pbc[2]) {
            f2 -= Math.rint(f2);
        }
        double[][] m = basis;
        double bx = f0 * m[0][0] + f1 * m[1][0] + f2 * m[2][0];
        double by = f0 * m[0][1] + f1 * m[1][1] + f2 * m[2][1];
        double bz = f0 * m[0][2] + f1 * m[1][2] + f2 * m[2][2];
        double best = bx * bx + by * by + bz * bz;
        double r = Math.sqrt(best) * (1 + 1e-12);
        int lo0 = pbc[0] ? ceil(-r * recip[0] - f0) : 0;
        int hi0 = pbc[0] ? floor(r * recip[0] - f0) : 0;
        int lo1 = pbc[1] ? ceil(-r * recip[1] - f1) : 0;
        int hi1 = pbc[1] ? floor(r * recip[1] - f1) : 0;
        int lo2 = pbc[2] ? ceil(-r * recip[2] - f2) : 0;
        int hi2 = pbc[2] ? floor(r * recip[2] - f2) : 0;
        for (int n0 = lo0; n0 <= hi0; n0++) {
            double g0 = f0 + n0;
            double x0 = g0 * m[0][0];
            double y0 = g0 * m[0][1];
            double z0 = g0 * m[0][2];
            for (int n1 = lo1; n1 <= hi1; n1++) {
                double g1 = f1 + n1;
                double x1 = x0 + g1 * m[1][0];
                double y1 = y0 + g1 * m[1][1];
                double z1 = z0 + g1 * m[1][2];
                for (int n2 = lo2; n2 <= hi2; n2++) {
                    if (n0 == 0 && n1 == 0 && n2 == 0) {
                        continue;
                    }
                    double g2 = f2 + n2;
                    double x = x1 + g2 * m[2][0];
                    double y = y1 + g2 * m[2][1];
                    double z = z1 + g2 * m[2][2];
                    double d2 = x * x + y * y + z * z;
                    if (d2 < best) {
                        best = d2;
                        bx = x;
                        by = y;
                        bz = z;
                    }
                }
            }
        }
        if (out != null) {
            out[0] = bx;
            out[1] = by;
            out[2] = bz;
        }
        return best;
    }

    /** floor as an int without going through StrictMath (not intrinsic on every JVM); |x| < 2^31. */
    static int floor(double x) {
        int i = (int) x;
        return x < i ? i - 1 : i;
    }

    static int ceil(double x) {
        int i = (int) x;
        return x > i ? i + 1 : i;
    }
}
