package org.xtal4j.models.pet.ecse;

/**
 * One relative-weight pruning stage (spec pet.md §3.5 step 6), host values for diagnostics: the smooth maximum
 * M' = SMax_{β_w}(w; w) of the incoming weights, the candidate indices in, the switch factors
 * q(w; 0.9·M', 0.1·M'), the weights after multiplying by factor·(1 − τ) + τ, and the candidates kept
 * (weight &gt; epsilon).
 */
public record PruningStage(double smoothMax, int[] candidatesIn, double[] factors, double[] weightsOut,
        int[] candidatesOut) {
}
