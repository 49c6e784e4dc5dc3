package org.xtal4j.models.pet.ecse;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xtal4j.nn.Scalars;
import org.xtal4j.nn.HostArrays;

/**
 * Builds the global frame ensemble of a structure (spec pet.md §3.3–3.5 steps 1–6, reference
 * {@code SPFramesCalculator.get_all_frames_global}): R_in per atom, candidate frames and weights of every
 * atom, the union over atoms, the zero filter, the smooth maximum weight M, the auxiliary weight
 * w_aux = f(M; AUX_THRESHOLD, AUX_THRESHOLD_DELTA), the pruning switch τ = f(M; 0.5, 0.25), optional species
 * pruning and NUM_PRUNNINGS relative-weight prunings.
 *
 * <p>Which pairs and frames take part is decided on host copies of the tensors' own values (as the reference
 * does with its Python {@code if}s); the values that are kept are then computed as NDArrays, so gradients flow
 * through lengths, R_in, spreads, weights, M, τ and every pruning factor. The selection can change only where
 * the weights vanish smoothly, so the ensemble stays smooth up to the epsilon filter (≤ 1e−10 of a weight).
 */
public final class FrameSelector {

    private final EcseConfig cfg;

    public FrameSelector(EcseConfig cfg) {
        this.cfg = cfg;
    }

    public EcseConfig config() {
        return cfg;
    }

    public EcseFrames select(EcseEdges edges) {
        NDArray x = edges.vectors();
        NDArray length = Tensors.rowNorm(x);
        NDArray unit = x.div(length.expandDims(1));
        double[] hostLength = Tensors.host(length);
        NDArray rIn = InnerCutoff.compute(cfg, edges, length, unit, hostLength);
        double[] hostRIn = Tensors.host(rIn);

        // ordered pairs inside R_in, in the reference loop order
        int n = edges.numAtoms();
        IntList pa = new IntList();
        IntList pb = new IntList();
        IntList patom = new IntList();
        for (int i = 0; i < n; i++) {
            int[] env = edges.edgesOfUnsafe(i);
            for (int p : env) {
                for (int q : env) {
                    if (p != q && hostLength[p] < hostRIn[i] && hostLength[q] < hostRIn[i]) {
                        pa.add(p);
                        pb.add(q);
                        patom.add(i);
                    }
                }
            }
        }
        double threshold = cfg.w() - cfg.deltaW();
        int[] candA;
        int[] candB;
        int[] candAtom;
        NDArray ua = null;
        NDArray ub = null;
        NDArray spread = null;
        if (pa.size() > 0) {
            NDArray allUa = Tensors.gather(unit, pa.toArray());
            NDArray allUb = Tensors.gather(unit, pb.toArray());
            NDArray allSpread = Tensors.cross(allUa, allUb).square().sum(new int[] {1});
            double[] hs = Tensors.host(allSpread);
            IntList keep = new IntList();
            for (int k = 0; k < hs.length; k++) {
                if (hs[k] > threshold) {
                    keep.add(k);
                }
            }
            int[] kk = keep.toArray();
            candA = select(pa.toArray(), kk);
            candB = select(pb.toArray(), kk);
            candAtom = select(patom.toArray(), kk);
            if (kk.length > 0) {
                ua = Tensors.gather(allUa, kk);
                ub = Tensors.gather(allUb, kk);
                spread = Tensors.gather(allSpread, kk);
            }
        } else {
            candA = new int[0];
            candB = new int[0];
            candAtom = new int[0];
        }
        if (candA.length == 0) {
            return noFrames(rIn, candAtom, candA, candB);
        }
        NDArray rInC = Tensors.gather(rIn, candAtom);
        NDArray fA = Switching.cutoff(Tensors.gather(length, candA), rInC, cfg.deltaRCut());
        NDArray fB = Switching.cutoff(Tensors.gather(length, candB), rInC, cfg.deltaRCut());
        NDArray qs = Switching.switchOn(spread, threshold, cfg.deltaW(), cfg.linearMultiplier());
        NDArray weight = fA.mul(fB).mul(qs);
        NDArray frames = LocalFrames.fromUnitPairs(ua, ub);

        int[] kept = aboveEpsilon(Tensors.host(weight), identity(candA.length));
        if (kept.length == 0) {
            return noFrames(rIn, candAtom, candA, candB, fA, fB, qs, weight, frames);
        }
        NDArray w = Tensors.gather(weight, kept);
        NDArray m = Switching.smoothMax(w, w, cfg.betaWeights());
        NDArray aux = Switching.cutoff(m, cfg.auxThreshold(), cfg.auxThresholdDelta());
        NDArray tau = Switching.cutoff(m, cfg.pruningTurnOnThreshold(), cfg.pruningTurnOnThresholdDelta());
        NDArray oneMinusTau = Scalars.of(tau, 1.0).sub(tau);
        int[] current = kept;
        if (cfg.speciesPruning()) {
            NDArray factor = speciesFactors(edges, candAtom, candA, candB, current, w);
            w = w.mul(factor.mul(oneMinusTau).add(tau));
            int[] local = aboveEpsilon(Tensors.host(w), identity(current.length));
            w = Tensors.gather(w, local);
            current = select(current, local);
        }
        List<PruningStage> stages = new ArrayList<>();
        for (int s = 0; s < cfg.numPrunings(); s++) {
            NDArray ms = Switching.smoothMax(w, w, cfg.betaWeights());
            NDArray factor = Switching.switchOn(w, Scalars.mul(ms, cfg.pruningThreshold()),
                    Scalars.mul(ms, cfg.pruningThresholdDelta()), false);
            w = w.mul(factor.mul(oneMinusTau).add(tau));
            double[] hw = Tensors.host(w);
            int[] local = aboveEpsilon(hw, identity(current.length));
            int[] out = select(current, local);
            stages.add(new PruningStage(Tensors.scalar(ms), current, Tensors.host(factor), hw, out));
            w = Tensors.gather(w, local);
            current = out;
        }
        int[] finalIdx = current;
        NDArray finalFrames = Tensors.gather(frames, finalIdx);
        return new EcseFrames(rIn, candAtom, candA, candB, fA, fB, qs, weight, frames, kept, m, aux, tau,
                List.copyOf(stages), finalIdx, w, finalFrames);
    }

    /** Species pruning (SPECIES_PRUNNING): keep, smoothly, only frames with the maximal species code. */
    private NDArray speciesFactors(EcseEdges edges, int[] candAtom, int[] candA, int[] candB, int[] current,
            NDArray w) {
        if (edges.species() == null) {
            throw new IllegalArgumentException("species pruning needs the species of every atom");
        }
        int ns = edges.numSpecies();
        double[] code = new double[current.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < current.length; k++) {
            int c = current[k];
            code[k] = ((double) edges.speciesOf(candAtom[c]) * ns + edges.speciesOf(edges.neighbour(candA[c]))) * ns
                    + edges.speciesOf(edges.neighbour(candB[c]));
            max = Math.max(max, code[k]);
        }
        double[] shifted = new double[code.length];
        for (int k = 0; k < code.length; k++) {
            shifted[k] = code[k] - max;
        }
        NDArray codes = HostArrays.of(w.getManager(), code, w.getDataType(), code.length);
        NDArray sh = HostArrays.of(w.getManager(), shifted, w.getDataType(), shifted.length);
        NDArray maxType = Switching.smoothMax(sh, w, cfg.betaWeights()).add(max);
        NDArray wThr = maxType.sub(0.5);
        NDArray half = Scalars.of(w, 0.5);
        return Switching.switchOn(codes, wThr, half, false);
    }

    private EcseFrames noFrames(NDArray rIn, int[] atom, int[] a, int[] b) {
        return noFrames(rIn, atom, a, b, null, null, null, null, null);
    }

    private EcseFrames noFrames(NDArray rIn, int[] atom, int[] a, int[] b, NDArray fA, NDArray fB, NDArray qs,
            NDArray weight, NDArray frames) {
        // the reference: w_aux = f(0; AUX_THRESHOLD, AUX_THRESHOLD_DELTA) (= 1 with the defaults)
        double auxValue = Switching.cutoff(0.0, cfg.auxThreshold(), cfg.auxThresholdDelta());
        NDArray aux = HostArrays.of(rIn.getManager(), new double[] {auxValue}, rIn.getDataType(), new ai.djl.ndarray.types.Shape());
        return new EcseFrames(rIn, atom, a, b, fA, fB, qs, weight, frames, new int[0], null, aux, null, List.of(),
                new int[0], null, null);
    }

    private int[] aboveEpsilon(double[] values, int[] positions) {
        IntList out = new IntList();
        for (int k = 0; k < values.length; k++) {
            if (values[k] > cfg.epsilon()) {
                out.add(positions[k]);
            }
        }
        return out.toArray();
    }

    private static int[] identity(int n) {
        int[] r = new int[n];
        for (int k = 0; k < n; k++) {
            r[k] = k;
        }
        return r;
    }

    private static int[] select(int[] values, int[] positions) {
        int[] r = new int[positions.length];
        for (int k = 0; k < positions.length; k++) {
            r[k] = values[positions[k]];
        }
        return r;
    }

    /** A growable int list (no boxing). */
    private static final class IntList {
        private int[] data = new int[16];
        private int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, 2 * size);
            }
            data[size++] = v;
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
