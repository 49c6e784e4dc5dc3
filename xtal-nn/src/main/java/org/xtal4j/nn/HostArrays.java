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

    /** Per thread, the direct buffer that {@link #borrowed} copies into, grown as needed and reused. */
    private static final ThreadLocal<java.nio.ByteBuffer[]> DIRECT = ThreadLocal.withInitial(
            () -> new java.nio.ByteBuffer[1]);

    /**
     * float32 values in the given shape, through one copy into this thread's reused direct buffer, which libtorch
     * wraps without a copy of its own. The array is valid only until this thread's next call: close it before,
     * and use it only in operations whose result does not keep it (no operand that requires a gradient, so
     * that autograd saves nothing). Halves the copying of large read-once inputs against {@link #of}.
     */
    public static NDArray borrowed(NDManager manager, float[] values, long... shape) {
        Shape s = new Shape(shape);
        int bytes = Math.multiplyExact(Math.toIntExact(s.size()), Float.BYTES);
        java.nio.ByteBuffer[] held = DIRECT.get();
        if (held[0] == null || held[0].capacity() < bytes) {
            held[0] = null; // let the old one go before the new one is allocated
            held[0] = java.nio.ByteBuffer.allocateDirect(bytes).order(java.nio.ByteOrder.nativeOrder());
        }
        java.nio.ByteBuffer buf = held[0].duplicate().order(java.nio.ByteOrder.nativeOrder());
        buf.clear().limit(bytes);
        buf.asFloatBuffer().put(values, 0, bytes / Float.BYTES);
        return manager.create(buf.slice().order(java.nio.ByteOrder.nativeOrder()), s, DataType.FLOAT32);
    }
}
