package org.xtal4j.nn;

import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * Floating-point precision of a model's parameters and inputs. float32 is the default: float64 costs
 * 1.6-5.5x per op on CPU (specs/djl-backend.md §4.3) and the two cannot be mixed inside one
 * differentiable graph, because casts cut the autograd graph.
 */
public enum Precision {
    FLOAT32(DataType.FLOAT32),
    FLOAT64(DataType.FLOAT64);

    private final DataType dataType;

    Precision(DataType dataType) {
        this.dataType = dataType;
    }

    public DataType dataType() {
        return dataType;
    }

    /** Accepts float32/f32/fp32/single and float64/f64/fp64/double, any case. */
    public static Precision parse(String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "float32": case "f32": case "fp32": case "single": case "float":
                return FLOAT32;
            case "float64": case "f64": case "fp64": case "double":
                return FLOAT64;
            default:
                throw new IllegalArgumentException("unknown precision '" + text + "' (use float32 or float64)");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
