package org.xtal4j.models.pet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.xtal4j.nn.HostArrays;

/**
 * PET's rotational augmentation (pet.md §2.5): a uniform random rotation per structure (normalised Gaussian
 * quaternion), multiplied by −1 with probability ½ (O(3)), applied to all of the structure's edge vectors
 * as x ← x·R. Random numbers come from the engine RNG, so {@code Backend.seed} makes them repeatable.
 */
public final class Rotations {

    private Rotations() {
    }

    /** B random O(3) matrices, row-major, 9 numbers each. */
    public static double[][] random(NDManager manager, int count) {
        double[] q = manager.randomNormal(0f, 1f, new Shape(count, 4), DataType.FLOAT64).toDoubleArray();
        double[] u = manager.randomUniform(0f, 1f, new Shape(count), DataType.FLOAT64).toDoubleArray();
        double[][] out = new double[count][];
        for (int b = 0; b < count; b++) {
            double w = q[4 * b];
            double x = q[4 * b + 1];
            double y = q[4 * b + 2];
            double z = q[4 * b + 3];
            double n = Math.sqrt(w * w + x * x + y * y + z * z);
            w /= n;
            x /= n;
            y /= n;
            z /= n;
            double s = u[b] < 0.5 ? -1 : 1;
            out[b] = new double[] {
                s * (1 - 2 * (y * y + z * z)), s * 2 * (x * y - z * w), s * 2 * (x * z + y * w),
                s * 2 * (x * y + z * w), s * (1 - 2 * (x * x + z * z)), s * 2 * (y * z - x * w),
                s * 2 * (x * z - y * w), s * 2 * (y * z + x * w), s * (1 - 2 * (x * x + y * y))};
        }
        return out;
    }

    /** x·R_s(e) for every edge e, with R_s the matrix (row-major) of the edge's structure; differentiable in x. */
    public static NDArray apply(PetGraph graph, NDArray x, double[][] matrices) {
        NDManager m = x.getManager();
        double[] flat = new double[matrices.length * 9];
        for (int b = 0; b < matrices.length; b++) {
            System.arraycopy(matrices[b], 0, flat, 9 * b, 9);
        }
        NDArray r = HostArrays.of(m, flat, x.getDataType(), new Shape(matrices.length, 3, 3));
        NDArray perEdge = r.get(new NDIndex("{}", HostArrays.of(m, graph.edgeStructure())));  // (E, 3, 3)
        long e = graph.edgeCount();
        return x.reshape(e, 1, 3).matMul(perEdge).reshape(e, 3);
    }
}
