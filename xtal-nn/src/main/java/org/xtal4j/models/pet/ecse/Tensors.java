package org.xtal4j.models.pet.ecse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.xtal4j.nn.HostArrays;

/** Small NDArray helpers of the ECSE package: host copies, index gathers and the cross product. */
final class Tensors {

    private Tensors() {
    }

    /** The values as doubles (float32 widened exactly); no gradient. */
    static double[] host(NDArray a) {
        if (a.getDataType() == DataType.FLOAT64) {
            return a.toDoubleArray();
        }
        float[] f = a.toFloatArray();
        double[] d = new double[f.length];
        for (int k = 0; k < f.length; k++) {
            d[k] = f[k];
        }
        return d;
    }

    static double scalar(NDArray a) {
        return host(a)[0];
    }

    /** Rows {@code a[index[k]]} along axis 0 (differentiable gather). */
    static NDArray gather(NDArray a, int[] index) {
        long[] l = new long[index.length];
        for (int k = 0; k < index.length; k++) {
            l[k] = index[k];
        }
        try (NDArray idx = HostArrays.of(a.getManager(), l)) {
            return a.get(new NDIndex("{}", idx));
        }
    }

    static NDArray column(NDArray a, int c) {
        return a.get(new NDIndex(":, " + c));
    }

    /** Row-wise cross product of two (K, 3) arrays. */
    static NDArray cross(NDArray a, NDArray b) {
        NDArray a0 = column(a, 0);
        NDArray a1 = column(a, 1);
        NDArray a2 = column(a, 2);
        NDArray b0 = column(b, 0);
        NDArray b1 = column(b, 1);
        NDArray b2 = column(b, 2);
        NDArray c0 = a1.mul(b2).sub(a2.mul(b1));
        NDArray c1 = a2.mul(b0).sub(a0.mul(b2));
        NDArray c2 = a0.mul(b1).sub(a1.mul(b0));
        return NDArrays.stack(new NDList(c0, c1, c2), 1);
    }

    /** Euclidean norms of the rows of (K, 3): sqrt(Σ x²) as in the reference (no epsilon). */
    static NDArray rowNorm(NDArray a) {
        return a.square().sum(new int[] {1}).sqrt();
    }
}
