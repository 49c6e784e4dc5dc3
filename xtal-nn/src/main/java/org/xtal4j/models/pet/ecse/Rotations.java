package org.xtal4j.models.pet.ecse;

import ai.djl.ndarray.NDArray;
import java.util.Random;
import org.xtal4j.nn.HostArrays;

/**
 * Random rotations on the host, for ECSE's additional rotations and the tests. Matrices are double[3][3] and
 * act on row vectors: {@code x ← x·R}. (The training augmentation of pet.md §2.5 draws from the engine RNG per
 * batch: {@code org.xtal4j.models.pet.RotationalAugmentation}.) A uniform (Haar) rotation comes from a uniform
 * unit quaternion (Shoemake's method); the O(3) variant multiplies it by −1 with probability ½, as the
 * reference's training augmentation does (improper rotations then invert the environment as well).
 */
public final class Rotations {

    private Rotations() {
    }

    public static double[][] identity() {
        return new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    }

    /** A uniform random proper rotation (det = +1). */
    public static double[][] randomProper(Random rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble() * 2 * Math.PI;
        double u3 = rng.nextDouble() * 2 * Math.PI;
        double a = Math.sqrt(1 - u1);
        double b = Math.sqrt(u1);
        double qw = a * Math.sin(u2);
        double qx = a * Math.cos(u2);
        double qy = b * Math.sin(u3);
        double qz = b * Math.cos(u3);
        return fromQuaternion(qw, qx, qy, qz);
    }

    /** A uniform random element of O(3): {@link #randomProper} times −1 with probability ½ (§2.5). */
    public static double[][] randomO3(Random rng) {
        double[][] r = randomProper(rng);
        if (rng.nextBoolean()) {
            for (double[] row : r) {
                for (int k = 0; k < 3; k++) {
                    row[k] = -row[k];
                }
            }
        }
        return r;
    }

    /** The rotation matrix of a unit quaternion (w, x, y, z). */
    public static double[][] fromQuaternion(double w, double x, double y, double z) {
        return new double[][] {
            {1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)},
            {2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)},
            {2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)}};
    }

    public static double determinant(double[][] r) {
        return r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1])
                - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
                + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
    }

    public static double[][] transpose(double[][] r) {
        double[][] t = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                t[i][j] = r[j][i];
            }
        }
        return t;
    }

    /** The matrix as a [3, 3] array in the dtype and manager of {@code like}. */
    public static NDArray toNDArray(double[][] r, NDArray like) {
        double[] flat = new double[9];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(r[i], 0, flat, 3 * i, 3);
        }
        return HostArrays.of(like.getManager(), flat, like.getDataType(), 3, 3); // libtorch-owned (matmul saves its operands)
    }
}
