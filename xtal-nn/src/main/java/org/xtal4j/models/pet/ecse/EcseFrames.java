package org.xtal4j.models.pet.ecse;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The frame ensemble of one structure (spec pet.md §3.3–3.5), all NDArrays differentiable in the edge vectors.
 * <ul>
 * <li>{@code rIn} (N): adaptive inner cut-off per atom;</li>
 * <li>candidates (K): every ordered pair (a, b), a ≠ b, of one atom's edges with |a|, |b| &lt; R_in and
 *     spread |â×b̂|² &gt; W − ΔW, in the reference loop order (atom, then a, then b in list order):
 *     {@code candidateAtom/EdgeA/EdgeB} (global edge indices), {@code fA}, {@code fB} = f(|·|; R_in, Δ_R),
 *     {@code qSpread} = q(s; W − ΔW, ΔW, linear), {@code candidateWeights} = fA·fB·qSpread and
 *     {@code candidateFrames} (K, 3, 3);</li>
 * <li>global: {@code smoothMaxWeight} M (0-d, null without frames), {@code auxWeight} w_aux (0-d), {@code tau}
 *     (0-d, null without frames), the pruning {@code stages};</li>
 * <li>final: {@code finalCandidates} (indices into the candidates), {@code weights} (F) and {@code frames}
 *     (F, 3, 3), null when F = 0.</li>
 * </ul>
 */
public record EcseFrames(NDArray rIn, int[] candidateAtom, int[] candidateEdgeA, int[] candidateEdgeB,
        NDArray fA, NDArray fB, NDArray qSpread, NDArray candidateWeights, NDArray candidateFrames,
        int[] keptAfterZeroFilter, NDArray smoothMaxWeight, NDArray auxWeight, NDArray tau,
        List<PruningStage> stages, int[] finalCandidates, NDArray weights, NDArray frames) {

    public int numCandidates() {
        return candidateAtom.length;
    }

    public int numFrames() {
        return finalCandidates.length;
    }

    /** w_aux as a number. */
    public double auxWeightValue() {
        return Tensors.scalar(auxWeight);
    }
}
