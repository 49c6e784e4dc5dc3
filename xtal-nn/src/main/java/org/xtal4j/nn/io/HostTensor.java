package org.xtal4j.nn.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable tensor in Java memory: element type, shape (row-major, C order) and little-endian raw
 * bytes, as stored in safetensors files. Independent of any engine; converts to and from DJL NDArrays.
 */
public final class HostTensor {

    private final DType dtype;
    private final long[] shape;
    private final ByteBuffer data;   // little-endian, position 0, limit = byte size, never written

    private HostTensor(DType dtype, long[] shape, ByteBuffer data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    /**
     * A tensor over the given little-endian bytes (from position to limit, not copied: the caller must not
     * change them). Throws IllegalArgumentException when the byte count does not match shape × dtype.
     */
    public static HostTensor of(DType dtype, long[] shape, ByteBuffer bytes) {
        Objects.requireNonNull(dtype, "dtype");
        long[] s = shape.clone();
        long bytesNeeded = byteSize(dtype, s);
        ByteBuffer b = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() != bytesNeeded) {
            throw new IllegalArgumentException(dtype + " " + Arrays.toString(s) + " needs " + bytesNeeded
                    + " bytes, got " + b.remaining());
        }
        return new HostTensor(dtype, s, b.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }

    public static HostTensor ofDoubles(double[] values, long... shape) {
        ByteBuffer b = allocate(DType.F64, shape, values.length);
        b.asDoubleBuffer().put(values);
        return new HostTensor(DType.F64, shape.clone(), b.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }

    public static HostTensor ofFloats(float[] values, long... shape) {
        ByteBuffer b = allocate(DType.F32, shape, values.length);
        b.asFloatBuffer().put(values);
        return new HostTensor(DType.F32, shape.clone(), b.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }

    public static HostTensor ofLongs(long[] values, long... shape) {
        ByteBuffer b = allocate(DType.I64, shape, values.length);
        b.asLongBuffer().put(values);
        return new HostTensor(DType.I64, shape.clone(), b.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }

    public static HostTensor ofInts(int[] values, long... shape) {
        ByteBuffer b = allocate(DType.I32, shape, values.length);
        b.asIntBuffer().put(values);
        return new HostTensor(DType.I32, shape.clone(), b.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }

    /** Raw little-endian bytes of any dtype (e.g. F16 bits, BOOL as 0/1 bytes); copied. */
    public static HostTensor ofBytes(DType dtype, byte[] littleEndian, long... shape) {
        return of(dtype, shape, ByteBuffer.wrap(littleEndian.clone()));
    }

    /** A copy of the array's values, with its dtype and shape (the gradient graph is not kept). */
    public static HostTensor fromNDArray(NDArray array) {
        DType dtype = DType.of(array.getDataType());
        if (dtype == DType.BF16 || dtype == DType.I16) {
            throw new IllegalArgumentException("DJL 0.32 cannot copy " + dtype + " arrays safely");
        }
        long[] shape = array.getShape().getShape();
        long n = byteSize(dtype, shape);
        ByteBuffer copy = ByteBuffer.allocate(Math.toIntExact(n)).order(ByteOrder.LITTLE_ENDIAN);
        if (n > 0) {
            ByteBuffer src = array.toByteBuffer();
            requireLittleEndianNative();
            copy.put(src.duplicate().order(ByteOrder.nativeOrder()));
            copy.flip();
        }
        return new HostTensor(dtype, shape, copy.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }

    // ---------------------------------------------------------------- facts

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public Shape djlShape() {
        return new Shape(shape);
    }

    public int rank() {
        return shape.length;
    }

    public long numElements() {
        return numElements(shape);
    }

    public long byteSize() {
        return data.limit();
    }

    /** The raw bytes, little-endian, read-only (a new view each call). */
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public boolean hasShape(long... expected) {
        return Arrays.equals(shape, expected);
    }

    // ---------------------------------------------------------------- values

    /** The value at a flat (row-major) index, converted to double; BOOL gives 0 or 1. */
    public double getDouble(int index) {
        int o = Math.multiplyExact(index, dtype.size());
        switch (dtype) {
            case F64: return data.getDouble(o);
            case F32: return data.getFloat(o);
            case F16: return halfToFloat(data.getShort(o));
            case BF16: return Float.intBitsToFloat((data.getShort(o) & 0xffff) << 16);
            case I64: return data.getLong(o);
            case I32: return data.getInt(o);
            case I16: return data.getShort(o);
            case I8: return data.get(o);
            case U8: return data.get(o) & 0xff;
            case BOOL: return data.get(o) != 0 ? 1 : 0;
            default: throw new IllegalStateException(dtype.toString());
        }
    }

    /** The value at a flat index as long; integer and BOOL dtypes only (floats would round silently). */
    public long getLong(int index) {
        int o = Math.multiplyExact(index, dtype.size());
        switch (dtype) {
            case I64: return data.getLong(o);
            case I32: return data.getInt(o);
            case I16: return data.getShort(o);
            case I8: return data.get(o);
            case U8: return data.get(o) & 0xff;
            case BOOL: return data.get(o) != 0 ? 1 : 0;
            default: throw new IllegalStateException("tensor of dtype " + dtype + " has no integer values");
        }
    }

    /** All values as doubles (exact for every dtype except I64 beyond 2^53). */
    public double[] toDoubleArray() {
        int n = Math.toIntExact(numElements());
        double[] out = new double[n];
        if (dtype == DType.F64) {
            data().asDoubleBuffer().get(out);
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = getDouble(i);
        }
        return out;
    }

    /** All values as floats (F64 and large integers are rounded). */
    public float[] toFloatArray() {
        int n = Math.toIntExact(numElements());
        float[] out = new float[n];
        if (dtype == DType.F32) {
            data().asFloatBuffer().get(out);
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = (float) getDouble(i);
        }
        return out;
    }

    /** All values as longs; integer and BOOL dtypes only. */
    public long[] toLongArray() {
        int n = Math.toIntExact(numElements());
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = getLong(i);
        }
        return out;
    }

    /** All values as ints; integer and BOOL dtypes only, values must fit. */
    public int[] toIntArray() {
        long[] l = toLongArray();
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = Math.toIntExact(l[i]);
        }
        return out;
    }

    /** This tensor with a different shape of the same element count (no copy). */
    public HostTensor reshape(long... newShape) {
        if (numElements(newShape) != numElements()) {
            throw new IllegalArgumentException("cannot reshape " + this + " to " + Arrays.toString(newShape));
        }
        return new HostTensor(dtype, newShape.clone(), data);
    }

    /** This tensor converted to F32 or F64 (for feeding a model of a given precision). */
    public HostTensor toFloating(DType target) {
        if (target == dtype) {
            return this;
        }
        if (target == DType.F64) {
            return ofDoubles(toDoubleArray(), shape);
        }
        if (target == DType.F32) {
            return ofFloats(toFloatArray(), shape);
        }
        throw new IllegalArgumentException("can only convert to F32 or F64, not " + target);
    }

    // ---------------------------------------------------------------- DJL

    /**
     * A new NDArray with this tensor's shape and values, owned by {@code manager}, of the same dtype except
     * BF16 → float32 and I16 → int32 (exact): DJL 0.32's PyTorch JNI aborts the whole JVM on bfloat16 and
     * int16 arrays, so those never reach it.
     */
    public NDArray toNDArray(NDManager manager) {
        if (dtype == DType.BF16) {
            return toFloating(DType.F32).toNDArray(manager);
        }
        if (dtype == DType.I16) {
            return ofInts(toIntArray(), shape).toNDArray(manager);
        }
        Shape s = djlShape();
        if (numElements() == 0) {
            return manager.zeros(s, dtype.dataType());
        }
        requireLittleEndianNative();
        ByteBuffer direct = ByteBuffer.allocateDirect(Math.toIntExact(byteSize())).order(ByteOrder.nativeOrder());
        direct.put(data());
        direct.rewind();
        return manager.create(direct, s, dtype.dataType());
    }

    /** A new NDArray converted to the given floating-point type (F16/BF16/integers included). */
    public NDArray toNDArray(NDManager manager, DataType type) {
        if (type == dtype.dataType()) {
            return toNDArray(manager);
        }
        if (type == DataType.FLOAT64) {
            return toFloating(DType.F64).toNDArray(manager);
        }
        if (type == DataType.FLOAT32) {
            return toFloating(DType.F32).toNDArray(manager);
        }
        if (type == DataType.BFLOAT16 || type == DataType.INT16) {
            throw new IllegalArgumentException("DJL 0.32's PyTorch engine aborts on " + type + " arrays");
        }
        try (NDArray raw = toNDArray(manager)) {
            return raw.toType(type, true);
        }
    }

    // ---------------------------------------------------------------- value semantics

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof HostTensor)) {
            return false;
        }
        HostTensor t = (HostTensor) o;
        return dtype == t.dtype && Arrays.equals(shape, t.shape) && data().equals(t.data());
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), data());
    }

    /** "F32[45, 98]". */
    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }

    // ---------------------------------------------------------------- helpers

    static long numElements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    static long byteSize(DType dtype, long[] shape) {
        return Math.multiplyExact(numElements(shape), (long) dtype.size());
    }

    private static ByteBuffer allocate(DType dtype, long[] shape, int count) {
        if (numElements(shape) != count) {
            throw new IllegalArgumentException(count + " values do not fill shape " + Arrays.toString(shape));
        }
        return ByteBuffer.allocate(Math.toIntExact(byteSize(dtype, shape))).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void requireLittleEndianNative() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("big-endian platforms are not supported");
        }
    }

    /** IEEE 754 binary16 to float (Float.float16ToFloat exists only from Java 20). */
    static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;   // subnormal half: mant · 2^-24 (exact in float)
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
