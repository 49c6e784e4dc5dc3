package org.xtal4j.models.pet.ecse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * Local coordinate systems from ordered pairs of neighbour vectors (spec pet.md §3.2):
 * e1 = â, e2 = normalise(â × b̂), e3 = e1 × e2, F = [e1 e2 e3] as columns (det F = +1). The environment in the
 * frame is X·F (row k of X·F is (x_k·e1, x_k·e2, x_k·e3)). Degenerate (collinear) pairs are never passed here:
 * the selector keeps only pairs with |â × b̂|² &gt; W − ΔW.
 */
public final class LocalFrames {

    private LocalFrames() {
    }

    /** Frames (K, 3, 3), element [k][r][c] = component r of e_c, from unit vectors â, b̂ (K, 3). */
    public static NDArray fromUnitPairs(NDArray unitA, NDArray unitB) {
        NDArray c = Tensors.cross(unitA, unitB);
        NDArray e2 = c.div(Tensors.rowNorm(c).expandDims(1));
        NDArray e3 = Tensors.cross(unitA, e2);
        return NDArrays.stack(new NDList(unitA, e2, e3), 2);
    }

    /** Frames from raw (not normalised) vectors a, b (K, 3). */
    public static NDArray fromPairs(NDArray a, NDArray b) {
        NDArray ua = a.div(Tensors.rowNorm(a).expandDims(1));
        NDArray ub = b.div(Tensors.rowNorm(b).expandDims(1));
        return fromUnitPairs(ua, ub);
    }
}
