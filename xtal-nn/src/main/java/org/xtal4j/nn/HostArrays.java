package org.xtal4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Arrays of host (Java) values whose storage libtorch owns. {@code NDManager.create} wraps a direct Java
 * buffer (torch::from_blob) that is freed once the array is closed, while autograd may still hold the tensor
 * for the backward (index_select saves its index, mul and matmul their operands): the backward then reads
 * freed memory (seen as "index 139820045811920 is out of bounds", and as silently wrong gradients). A clone
 * is allocated by libtorch. {@code toType} to the same dtype is no copy: it returns the wrapped tensor itself.
 * Java-number operands of single operations: {@link Scalars}.
 */
public final class HostArrays {

    private HostArrays() {
    }

    /** A libtorch-owned copy of an array made from a Java buffer; closes the original. */
    public static NDArray owned(NDArray fromJava) {
        try (fromJava) {
            return fromJava.duplicate();
        }
    }

    /** int64 values (e.g. gather indices), 1-d. */
    public static NDArray of(NDManager manager, long[] values) {
        return owned(manager.create(values));
    }

    /** Double values in the given floating type and shape. */
    public static NDArray of(NDManager manager, double[] values, DataType type, Shape shape) {
        try (NDArray wrapped = manager.create(values, shape)) {
            return wrapped.getDataType() == type ? wrapped.duplicate() : wrapped.toType(type, true);
        }
    }

    /** Double values in the given floating type and shape. */
    public static NDArray of(NDManager manager, double[] values, DataType type, long... shape) {
        return of(manager, values, type, new Shape(shape));
    }

    /** float32 values in the given shape (no double detour), from the start of a possibly longer array. */
    public static NDArray of(NDManager manager, float[] values, long... shape) {
        Shape s = new Shape(shape);
        return owned(manager.create(java.nio.FloatBuffer.wrap(values, 0, Math.toIntExact(s.size())), s,
                DataType.FLOAT32));
    }
}
