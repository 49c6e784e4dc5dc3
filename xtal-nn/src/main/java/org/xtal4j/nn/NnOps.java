package org.xtal4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;

/**
 * Tensor helpers that DJL lacks or that must be written a particular way for speed and stable gradients
 * (specs/djl-backend.md §3, §5.2, §7). Models should use these instead of {@code exp()} on unbounded
 * arguments or a hand-written {@code e / Σe}.
 */
public final class NnOps {

    /**
     * Lower bound of exp arguments. exp of very negative float32 values takes a slow path even with FTZ
     * (about 10x), and e^-80 ≈ 1.8e-35 is still a normal float32, far below any relative precision.
     */
    public static final float EXP_FLOOR = -80f;

    private NnOps() {
    }

    /** exp(max(x, −80)): gradient 0 below the floor, −inf gives e^−80 (not 0). */
    public static NDArray expClipped(NDArray x) {
        return x.clip(EXP_FLOOR, Float.POSITIVE_INFINITY).exp();
    }

    /**
     * log Σ exp(x) along {@code axis} (removed), with the exp arguments clipped at −80 after subtracting
     * the maximum. Entries that are −inf act as masks; a fully masked row gives −inf with a zero (not NaN)
     * gradient.
     */
    public static NDArray logSumExp(NDArray x, int axis) {
        NDArray m = x.max(new int[] {axis}, true).stopGradient();
        NDArray empty = m.isInfinite();
        NDArray mSafe = NDArrays.where(empty, m.zerosLike(), m);
        NDArray sum = x.sub(mSafe).clip(EXP_FLOOR, 0f).exp().sum(new int[] {axis}, true);
        NDArray lse = NDArrays.where(empty, sum.onesLike(), sum).log().add(mSafe);
        return NDArrays.where(empty, lse.zerosLike().sub(Float.POSITIVE_INFINITY), lse).squeeze(axis);
    }

    /**
     * Differentiable segment sum (scatter-add, which DJL lacks): {@code out[s] = Σ_{p: seg[p]=s} vals[p]}
     * for vals [P, F] and integer segment ids [P] in [0, segments). Cost O(S·P·F): fine for batches of
     * crystals (S = crystals), not for huge S; then use a sparse COO matmul.
     */
    public static NDArray segmentSum(NDArray vals, NDArray seg, int segments) {
        try (NDArray oneHot = seg.oneHot(segments)) {
            NDArray m = oneHot.toType(vals.getDataType(), false).transpose();
            return m.matMul(vals);
        }
    }

    /** Segment mean: segment sum divided by the segment sizes (empty segments give 0). */
    public static NDArray segmentMean(NDArray vals, NDArray seg, int segments) {
        NDArray sum = segmentSum(vals, seg, segments);
        NDArray ones = vals.getManager().ones(new Shape(vals.getShape().get(0), 1),
                vals.getDataType());
        NDArray count = segmentSum(ones, seg, segments).maximum(1);
        return sum.div(count);
    }
}
