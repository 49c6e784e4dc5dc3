package org.xtal4j.models.pet.ecse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.xtal4j.nn.Autograd;
import org.xtal4j.nn.Scalars;

/**
 * Equivariant coordinate-system ensemble (spec pet.md §3.5), global version: the frames of all atoms are
 * applied to all edge vectors of the structure,
 * <pre>
 * E_S = [ Σ_a Σ_f w_f · E_0(X·F_f·R_a) + w_aux · E_aux(X) ] / [ n_aug · Σ_f w_f + w_aux ]
 * </pre>
 * with the frames, weights and w_aux of {@link FrameSelector} and the fixed additional rotations R_a of the
 * config. Exactly invariant under proper rotations X → X·Qᵀ whatever the backbone (the frames rotate with
 * the structure), smooth, and differentiable, so forces are −∂E_S/∂r by autograd through frames, R_in, weights
 * and pruning factors. Not invariant under inversion unless the backbone is (see docs/pet.md, section ECSE).
 *
 * <p>Auxiliary model: as in the reference, w_aux enters the normaliser only when an aux model is given and
 * E_aux is evaluated only when w_aux &gt; epsilon. Without an aux model a structure without any frame is an
 * {@link EcseException}; with {@link EcseConfig#strictAux()} so is any weak ensemble (w_aux &gt; epsilon).
 * The aux model must be intrinsically invariant (e.g. a backbone on edge lengths only).
 */
public final class Ecse {

    private final EcseConfig cfg;
    private final FrameSelector selector;
    private final EcseBackbone main;
    private final EcseBackbone aux;

    /** {@code aux} may be null. */
    public Ecse(EcseConfig cfg, EcseBackbone main, EcseBackbone aux) {
        this.cfg = cfg;
        this.selector = new FrameSelector(cfg);
        this.main = main;
        this.aux = aux;
    }

    public EcseConfig config() {
        return cfg;
    }

    public FrameSelector selector() {
        return selector;
    }

    /**
     * E_S as one differentiable graph over all frames (memory grows with the number of frames; for
     * inference with forces prefer {@link #energyAndForces}, which frees the graph per frame batch).
     */
    public EcseResult energy(EcseEdges edges) {
        EcseFrames fr = selector.select(edges);
        checkAux(fr);
        NDArray x = edges.vectors();
        NDArray den = normaliser(fr);
        NDArray num = null;
        NDArray energies = null;
        if (fr.numFrames() > 0) {
            NDArray rots = rotations(fr, x);
            int total = (int) rots.getShape().get(0);
            NDList parts = new NDList();
            for (int c0 = 0; c0 < total; c0 += cfg.frameBatchSize()) {
                int c1 = Math.min(total, c0 + cfg.frameBatchSize());
                parts.add(main.energies(rotated(x, rots.get(new NDIndex(c0 + ":" + c1)))).reshape(-1));
            }
            energies = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts);
            num = energies.mul(repeatedWeights(fr)).sum();
        }
        num = addAux(num, fr, x);
        return new EcseResult(num.div(den), fr, energies, den);
    }

    /**
     * E_S and forces, the reference's way (PETSP): frames are recomputed for every batch of
     * {@link EcseConfig#frameBatchSize()} rotated copies, each batch's share of E_S is back-propagated at once
     * (freeing its graph), and the edge gradients accumulate. Opens its own GradientCollector, so it must not be
     * called inside one; every NDArray it creates is closed. Gradients of the backbone's parameters accumulate
     * too (irrelevant at inference).
     */
    public EnergyAndForces energyAndForces(EcseEdges edges) {
        try (NDScope scope = new NDScope();
                GradientCollector gc = edges.vectors().getManager().getEngine().newGradientCollector()) {
            NDArray leaf = edges.vectors().stopGradient().duplicate();
            leaf.setRequiresGradient(true);
            EcseEdges e = edges.withVectors(leaf);
            EcseFrames fr = selector.select(e);
            checkAux(fr);
            int frames = fr.numFrames();
            double auxWeight = fr.auxWeightValue();
            int total = frames * cfg.numAdditionalRotations();
            double energy = 0;
            for (int c0 = 0; c0 < total; c0 += cfg.frameBatchSize()) {
                int c1 = Math.min(total, c0 + cfg.frameBatchSize());
                EcseFrames f = c0 == 0 ? fr : selector.select(e); // the graph of the previous batch is gone
                NDArray rots = rotations(f, leaf).get(new NDIndex(c0 + ":" + c1));
                NDArray w = repeatedWeights(f).get(new NDIndex(c0 + ":" + c1));
                NDArray part = main.energies(rotated(leaf, rots)).reshape(-1).mul(w).sum().div(normaliser(f));
                energy += Tensors.scalar(part);
                Autograd.backward(part);
            }
            if (aux != null && auxWeight > cfg.epsilon()) {
                EcseFrames f = total == 0 ? fr : selector.select(e);
                NDArray part = addAux(null, f, leaf).div(normaliser(f));
                energy += Tensors.scalar(part);
                Autograd.backward(part);
            }
            double[] g = Tensors.host(leaf.getGradient());
            return new EnergyAndForces(energy, e.forcesFromEdgeGradients(g), g, frames, auxWeight);
        }
    }

    /**
     * Symmetrised covariant vectors (spec §3.6): v_S = [Σ_a Σ_f w_f v_0(X·G)·Gᵀ + w_aux v_aux(X)] / [...] with
     * G = F_f·R_a. {@code auxVectors} must be equivariant; it may be null (same rules as for energies).
     */
    public NDArray vectors(EcseEdges edges, EcseVectorBackbone backbone, EcseVectorBackbone auxVectors) {
        EcseFrames fr = selector.select(edges);
        if (fr.numFrames() == 0 && auxVectors == null) {
            throw collinear();
        }
        if (cfg.strictAux() && auxVectors == null && fr.auxWeightValue() > cfg.epsilon()) {
            throw weak(fr.auxWeightValue());
        }
        NDArray x = edges.vectors();
        NDArray num = null;
        NDArray den = null;
        if (fr.numFrames() > 0) {
            NDArray rots = rotations(fr, x);
            NDArray w = repeatedWeights(fr);
            for (int k = 0; k < rots.getShape().get(0); k++) {
                NDArray g = rots.get(new NDIndex(k));
                NDArray v = backbone.vectors(x.matMul(g)).matMul(g.transpose()).mul(w.get(new NDIndex(k)));
                num = num == null ? v : num.add(v);
            }
            den = w.sum();
        }
        if (auxVectors != null) {
            NDArray wa = fr.auxWeight();
            den = den == null ? wa : den.add(wa);
            if (fr.auxWeightValue() > cfg.epsilon()) {
                NDArray v = auxVectors.vectors(x).mul(wa);
                num = num == null ? v : num.add(v);
            }
        }
        if (num == null) {
            throw collinear();
        }
        return num.div(den);
    }

    private void checkAux(EcseFrames fr) {
        if (aux == null && fr.numFrames() == 0) {
            throw collinear();
        }
        if (aux != null && fr.numFrames() == 0 && fr.auxWeightValue() <= cfg.epsilon()) {
            throw new EcseException("no ECSE frame and an auxiliary weight of " + fr.auxWeightValue()
                    + " ≤ epsilon: nothing to evaluate (check AUX_THRESHOLD)");
        }
        if (cfg.strictAux() && aux == null && fr.auxWeightValue() > cfg.epsilon()) {
            throw weak(fr.auxWeightValue());
        }
    }

    private static EcseException collinear() {
        return new EcseException("ECSE found no frame: every pair of neighbours inside the adaptive inner cut-off "
                + "is (nearly) collinear or there are fewer than two neighbours; an invariant auxiliary model is "
                + "needed (the reference's 'all collinear problem')");
    }

    private static EcseException weak(double w) {
        return new EcseException("weak ECSE ensemble (w_aux = " + w + ") and no auxiliary model (strict mode)");
    }

    private NDArray normaliser(EcseFrames fr) {
        NDArray den = null;
        if (fr.numFrames() > 0) {
            den = Scalars.mul(fr.weights().sum(), cfg.numAdditionalRotations()); // MulBackward saves the scalar
        }
        if (aux != null) {
            den = den == null ? fr.auxWeight() : den.add(fr.auxWeight());
        }
        return den;
    }

    private NDArray addAux(NDArray num, EcseFrames fr, NDArray x) {
        if (aux == null || fr.auxWeightValue() <= cfg.epsilon()) {
            return num;
        }
        NDArray t = aux.energy(x).reshape(new ai.djl.ndarray.types.Shape()).mul(fr.auxWeight());
        return num == null ? t : num.add(t);
    }

    /** All G = F_f·R_a (F·n_aug, 3, 3), rotation-major. */
    private NDArray rotations(EcseFrames fr, NDArray like) {
        List<double[][]> extra = cfg.additionalRotations();
        NDList all = new NDList();
        for (double[][] r : extra) {
            all.add(isIdentity(r) ? fr.frames() : fr.frames().matMul(Rotations.toNDArray(r, like)));
        }
        return all.size() == 1 ? all.get(0) : NDArrays.concat(all);
    }

    private NDArray repeatedWeights(EcseFrames fr) {
        int n = cfg.numAdditionalRotations();
        if (n == 1) {
            return fr.weights();
        }
        NDList all = new NDList();
        for (int a = 0; a < n; a++) {
            all.add(fr.weights());
        }
        return NDArrays.concat(all);
    }

    /** X·G for every G: (K, E, 3). */
    private static NDArray rotated(NDArray x, NDArray rots) {
        return x.expandDims(0).matMul(rots);
    }

    private static boolean isIdentity(double[][] r) {
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                if (r[i][j] != (i == j ? 1.0 : 0.0)) {
                    return false;
                }
            }
        }
        return true;
    }
}
