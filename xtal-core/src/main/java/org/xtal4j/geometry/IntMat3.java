package org.xtal4j.geometry;

import org.xtal4j.structure.Lattice;

/**
 * Small helpers for integer 3×3 matrices (basis changes of a lattice). Rows of a transformation
 * are new lattice vectors in units of the old ones, so the new matrix is {@code T · M}.
 */
public final class IntMat3 {

    private IntMat3() {
    }

    public static int[][] identity() {
        return new int[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    }

    public static long det(int[][] a) {
        return (long) a[0][0] * ((long) a[1][1] * a[2][2] - (long) a[1][2] * a[2][1])
                - (long) a[0][1] * ((long) a[1][0] * a[2][2] - (long) a[1][2] * a[2][0])
                + (long) a[0][2] * ((long) a[1][0] * a[2][1] - (long) a[1][1] * a[2][0]);
    }

    public static int[][] mul(int[][] a, int[][] b) {
        int[][] r = new int[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                r[i][j] = Math.addExact(Math.addExact(Math.multiplyExact(a[i][0], b[0][j]),
                        Math.multiplyExact(a[i][1], b[1][j])), Math.multiplyExact(a[i][2], b[2][j]));
            }
        }
        return r;
    }

    public static int[][] copy(int[][] a) {
        return new int[][] {a[0].clone(), a[1].clone(), a[2].clone()};
    }

    public static int[][] negate(int[][] a) {
        int[][] r = new int[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                r[i][j] = -a[i][j];
            }
        }
        return r;
    }

    public static boolean isIdentity(int[][] a) {
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                if (a[i][j] != (i == j ? 1 : 0)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Inverse of a unimodular matrix (det ±1), exact in integers. */
    public static int[][] inverseUnimodular(int[][] a) {
        long d = det(a);
        if (d != 1 && d != -1) {
            throw new IllegalArgumentException("matrix is not unimodular (det " + d + ")");
        }
        int[][] r = new int[3][3];
        r[0][0] = (int) (((long) a[1][1] * a[2][2] - (long) a[1][2] * a[2][1]) * d);
        r[0][1] = (int) (((long) a[0][2] * a[2][1] - (long) a[0][1] * a[2][2]) * d);
        r[0][2] = (int) (((long) a[0][1] * a[1][2] - (long) a[0][2] * a[1][1]) * d);
        r[1][0] = (int) (((long) a[1][2] * a[2][0] - (long) a[1][0] * a[2][2]) * d);
        r[1][1] = (int) (((long) a[0][0] * a[2][2] - (long) a[0][2] * a[2][0]) * d);
        r[1][2] = (int) (((long) a[0][2] * a[1][0] - (long) a[0][0] * a[1][2]) * d);
        r[2][0] = (int) (((long) a[1][0] * a[2][1] - (long) a[1][1] * a[2][0]) * d);
        r[2][1] = (int) (((long) a[0][1] * a[2][0] - (long) a[0][0] * a[2][1]) * d);
        r[2][2] = (int) (((long) a[0][0] * a[1][1] - (long) a[0][1] * a[1][0]) * d);
        return r;
    }

    /** The matrix {@code T · M} (rows = new vectors, Å) for a lattice matrix M. */
    public static double[][] apply(int[][] t, double[][] m) {
        double[][] r = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                r[i][j] = t[i][0] * m[0][j] + t[i][1] * m[1][j] + t[i][2] * m[2][j];
            }
        }
        return r;
    }

    /** The lattice with vectors {@code T · M}. */
    public static Lattice apply(int[][] t, Lattice lattice) {
        return Lattice.fromMatrix(apply(t, lattice.matrix()));
    }

    public static String toString(int[][] a) {
        return "[[" + a[0][0] + "," + a[0][1] + "," + a[0][2] + "],[" + a[1][0] + "," + a[1][1] + "," + a[1][2]
                + "],[" + a[2][0] + "," + a[2][1] + "," + a[2][2] + "]]";
    }
}
