package org.xtal4j.models.pet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.xtal4j.models.pet.ecse.Rotations;
import org.xtal4j.nn.HostArrays;

/**
 * PET's rotational augmentation of a training batch (pet.md §2.5): a uniform random rotation per structure
 * (normalised Gaussian quaternion), multiplied by −1 with probability ½ (O(3)), applied to all of the
 * structure's edge vectors as x ← x·R. The random numbers come from the engine RNG, so {@code Backend.seed}
 * makes a training run repeatable; {@link Rotations} has the host-side rotations ECSE and the tests use.
 */
public final class RotationalAugmentation {

    private RotationalAugmentation() {
    }

    /** B random O(3) matrices, row-major, 9 numbers each. */
    public static double[][] random(NDManager manager, int count) {
        double[] q = manager.randomNormal(0f, 1f, new Shape(count, 4), DataType.FLOAT64).toDoubleArray();
        double[] u = manager.randomUniform(0f, 1f, new Shape(count), DataType.FLOAT64).toDoubleArray();
        double[][] out = new double[count][9];
        for (int b = 0; b < count; b++) {
            double n = Math.sqrt(q[4 * b] * q[4 * b] + q[4 * b + 1] * q[4 * b + 1] + q[4 * b + 2] * q[4 * b + 2]
                    + q[4 * b + 3] * q[4 * b + 3]);
            double[][] r = Rotations.fromQuaternion(q[4 * b] / n, q[4 * b + 1] / n, q[4 * b + 2] / n,
                    q[4 * b + 3] / n);
            double s = u[b] < 0.5 ? -1 : 1;
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    out[b][3 * i + j] = s * r[i][j];
                }
            }
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
