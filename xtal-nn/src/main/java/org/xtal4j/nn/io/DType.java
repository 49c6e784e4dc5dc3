package org.xtal4j.nn.io;

import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/** Element types of the safetensors format, with their size in bytes and the matching DJL type. */
public enum DType {
    F64(8, DataType.FLOAT64),
    F32(4, DataType.FLOAT32),
    F16(2, DataType.FLOAT16),
    BF16(2, DataType.BFLOAT16),
    I64(8, DataType.INT64),
    I32(4, DataType.INT32),
    I16(2, DataType.INT16),
    I8(1, DataType.INT8),
    U8(1, DataType.UINT8),
    BOOL(1, DataType.BOOLEAN);

    private final int size;
    private final DataType djl;

    DType(int size, DataType djl) {
        this.size = size;
        this.djl = djl;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    public DataType dataType() {
        return djl;
    }

    public boolean isFloating() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /** The safetensors name ("F32"), or null for names this reader does not know. */
    public static DType fromName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public static DType of(DataType t) {
        for (DType d : values()) {
            if (d.djl == t) {
                return d;
            }
        }
        throw new IllegalArgumentException("no safetensors dtype for DJL type " + t);
    }
}
