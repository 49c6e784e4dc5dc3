package org.xtal4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands for operations on the autograd path. DJL turns a Java number in {@code x.mul(2.0)} into a
 * 0-d tensor over a direct Java buffer (torch::from_blob), closes it after the op and lets the garbage
 * collector free the buffer, while autograd still holds that tensor for the backward (MulBackward saves its
 * other operand; so do div, minimum, maximum). Measured here: the gradient through a = −ρ/(2r0²) of layer 0
 * silently became ~0 in one run out of several. A tensor that libtorch allocated itself is kept alive by
 * the graph, so every scalar the backward needs is made here.
 */
public final class Scalars {

    private Scalars() {
    }

    /** A 0-d tensor with value v in the dtype, device and manager of {@code like}, owned by libtorch. */
    public static NDArray of(NDArray like, double v) {
        try (NDArray one = like.getManager().ones(new Shape(), like.getDataType())) {
            return one.mul(v); // the result is a fresh libtorch tensor; the temporary scalar is only read here
        }
    }

    public static NDArray mul(NDArray x, double v) {
        return x.mul(of(x, v));
    }

    public static NDArray div(NDArray x, double v) {
        return x.div(of(x, v));
    }

    public static NDArray minimum(NDArray x, double v) {
        return x.minimum(of(x, v));
    }

    public static NDArray maximum(NDArray x, double v) {
        return x.maximum(of(x, v));
    }
}
