package org.xtal4j.models.pet.ecse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.xtal4j.nn.HostArrays;

/**
 * The adaptive inner cut-off R_in of every atom (spec pet.md §3.3):
 * R_in = SMin_β(values; weights) + Δ_R over the value R_out (weight 1) and, for every unordered pair p &lt; q of
 * the atom's neighbours with both lengths ≤ R_out, SMax_β(|a|, |b|) + T(β) with weight
 * f(|a|; R_out, Δ_R)·f(|b|; R_out, Δ_R)·q(|â×b̂|²; W, ΔW) (no linear multiplier). Differentiable in the edge
 * vectors. The per-atom sums use a padded (atoms × max pairs) layout gathered from the flat pair list.
 */
final class InnerCutoff {

    private InnerCutoff() {
    }

    /**
     * R_in per atom (N), from the edge lengths (E) and unit vectors (E, 3) of {@code edges}; {@code hostLength}
     * holds the lengths' values for the (discrete) pair selection.
     */
    static NDArray compute(EcseConfig cfg, EcseEdges edges, NDArray length, NDArray unit, double[] hostLength) {
        double rOut = cfg.rCutOuter();
        double beta = cfg.beta();
        int n = edges.numAtoms();
        List<int[]> perAtom = new ArrayList<>();
        int total = 0;
        int maxPairs = 0;
        for (int i = 0; i < n; i++) {
            int[] env = edges.edgesOfUnsafe(i);
            int[] pairs = new int[env.length * Math.max(env.length - 1, 0)];
            int m = 0;
            for (int p = 0; p < env.length; p++) {
                for (int q = p + 1; q < env.length; q++) {
                    if (hostLength[env[p]] <= rOut && hostLength[env[q]] <= rOut) {
                        pairs[m++] = env[p];
                        pairs[m++] = env[q];
                    }
                }
            }
            int[] kept = java.util.Arrays.copyOf(pairs, m);
            perAtom.add(kept);
            total += m / 2;
            maxPairs = Math.max(maxPairs, m / 2);
        }
        // the R_out term: value R_out with weight 1
        double eOut = Math.exp(-beta * rOut);
        NDManager mgr = length.getManager();
        if (total == 0) {
            double[] v = new double[n];
            java.util.Arrays.fill(v, rOut + cfg.deltaRCut());
            return HostArrays.of(length.getManager(), v, length.getDataType(), v.length);
        }
        int[] a = new int[total];
        int[] b = new int[total];
        int[] slot = new int[n * maxPairs];
        int k = 0;
        for (int i = 0; i < n; i++) {
            int[] pairs = perAtom.get(i);
            for (int t = 0; t < maxPairs; t++) {
                if (2 * t < pairs.length) {
                    a[k] = pairs[2 * t];
                    b[k] = pairs[2 * t + 1];
                    slot[i * maxPairs + t] = k++;
                } else {
                    slot[i * maxPairs + t] = total; // the appended zero
                }
            }
        }
        NDArray la = Tensors.gather(length, a);
        NDArray lb = Tensors.gather(length, b);
        NDArray spread = Tensors.cross(Tensors.gather(unit, a), Tensors.gather(unit, b)).square()
                .sum(new int[] {1});
        // unweighted SMax_β(|a|, |b|) + T(β)
        NDArray ea = org.xtal4j.nn.Scalars.mul(la, beta).exp();
        NDArray eb = org.xtal4j.nn.Scalars.mul(lb, beta).exp();
        NDArray value = la.mul(ea).add(lb.mul(eb)).div(ea.add(eb)).add(Switching.tBeta(beta));
        NDArray weight = Switching.cutoff(la, rOut, cfg.deltaRCut())
                .mul(Switching.cutoff(lb, rOut, cfg.deltaRCut()))
                .mul(Switching.switchOn(spread, cfg.w(), cfg.deltaW(), false));
        NDArray e = org.xtal4j.nn.Scalars.mul(value, -beta).exp().mul(weight);
        NDArray zero = mgr.zeros(new Shape(1), length.getDataType());
        NDArray den = perAtomSum(e.concat(zero), slot, n, maxPairs).add(eOut);
        NDArray num = perAtomSum(e.mul(value).concat(zero), slot, n, maxPairs).add(eOut * rOut);
        return num.div(den).add(cfg.deltaRCut());
    }

    private static NDArray perAtomSum(NDArray flatWithZero, int[] slot, int n, int maxPairs) {
        return Tensors.gather(flatWithZero, slot).reshape(n, maxPairs).sum(new int[] {1});
    }
}
