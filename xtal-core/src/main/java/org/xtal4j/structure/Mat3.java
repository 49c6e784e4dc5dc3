package org.xtal4j.structure;

/** Small 3×3 matrix helpers shared by the lattice code. Matrices are double[3][3], row-major. */
public final class Mat3 {

    private Mat3() {
    }

    public static double det(double[][] a) {
        return a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
                - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
                + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    }

    public static double[][] inverse(double[][] a) {
        double d = det(a);
        if (d == 0) {
            throw new ArithmeticException("singular 3x3 matrix");
        }
        double[][] r = new double[3][3];
        r[0][0] = (a[1][1] * a[2][2] - a[1][2] * a[2][1]) / d;
        r[0][1] = (a[0][2] * a[2][1] - a[0][1] * a[2][2]) / d;
        r[0][2] = (a[0][1] * a[1][2] - a[0][2] * a[1][1]) / d;
        r[1][0] = (a[1][2] * a[2][0] - a[1][0] * a[2][2]) / d;
        r[1][1] = (a[0][0] * a[2][2] - a[0][2] * a[2][0]) / d;
        r[1][2] = (a[0][2] * a[1][0] - a[0][0] * a[1][2]) / d;
        r[2][0] = (a[1][0] * a[2][1] - a[1][1] * a[2][0]) / d;
        r[2][1] = (a[0][1] * a[2][0] - a[0][0] * a[2][1]) / d;
        r[2][2] = (a[0][0] * a[1][1] - a[0][1] * a[1][0]) / d;
        return r;
    }

    public static double[][] mul(double[][] a, double[][] b) {
        double[][] r = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                r[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
            }
        }
        return r;
    }

    public static double[][] transpose(double[][] a) {
        double[][] r = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                r[i][j] = a[j][i];
            }
        }
        return r;
    }

    /** Row vector v times matrix a. */
    public static double[] mulVec(double[] v, double[][] a) {
        return new double[] {
            v[0] * a[0][0] + v[1] * a[1][0] + v[2] * a[2][0],
            v[0] * a[0][1] + v[1] * a[1][1] + v[2] * a[2][1],
            v[0] * a[0][2] + v[1] * a[1][2] + v[2] * a[2][2]
        };
    }

    /** Integer matrix as doubles. */
    public static double[][] toDouble(int[][] a) {
        double[][] r = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                r[i][j] = a[i][j];
            }
        }
        return r;
    }
}
