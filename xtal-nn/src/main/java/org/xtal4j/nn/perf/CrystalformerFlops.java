package org.xtal4j.nn.perf;

import java.util.List;

/**
 * The FLOP model of Crystalformer's forward pass for one crystal of N atoms (docs/performance.md): what the
 * method needs, independent of how a kernel computes it. A multiply-add counts 2, exp/log/max 1 each.
 * Per layer:
 * <ul>
 *   <li>dense, per atom: Q, K, V and output projections 8D², feed-forward 4D·F, the q·w of the Gaussian
 *       width 2D;</li>
 *   <li>periodic sums, per ordered atom pair × head × translation: a·d², the running maximum, exp and the sum
 *       (4), the softmax weight (1) and its radial basis mix ψ̄ over the active bins (2K_active);</li>
 *   <li>softmax attention, per pair × head: q·k and π·v (4d), α added, exp, sum and normalisation (4), and
 *       Σ_j π_ij ψ̄_ij (2K); per atom × head the value encoding W^E applied once after that sum (2K·d).</li>
 * </ul>
 * Plus the embedding (2·98·D per atom) and the output MLP per crystal. Reciprocal-space heads are not
 * counted (the default model is all real space). A training step (forward, backward) counts
 * {@link #TRAINING_FACTOR}× the forward pass. Backward of a matmul costs two matmuls, hence the usual 3.
 *
 * @param layers           num_layers
 * @param modelDim         model_dim D
 * @param ffDim            ff_dim F
 * @param heads            head_num H (head dimension d = D/H)
 * @param radialBasis      value_pe_dist_real K (0: no value position encoding)
 * @param activeRadialBasis bins a translation touches in ψ̄ (K for a dense basis; ~15 of 64 for the
 *                          0.22 Å-wide Gaussians when only the bins within their cut-off are summed)
 * @param hiddenDims       embedding_dim (hidden sizes of the output MLP)
 * @param targets          outputs per crystal
 */
public record CrystalformerFlops(int layers, int modelDim, int ffDim, int heads, int radialBasis,
                                 int activeRadialBasis, List<Integer> hiddenDims, int targets) {

    /** Forward + backward ≈ 3 forward passes. */
    public static final double TRAINING_FACTOR = 3.0;
    /** One-hot atom features of the embedding. */
    public static final int ATOM_FEATURES = 98;

    public CrystalformerFlops {
        hiddenDims = List.copyOf(hiddenDims);
        if (layers < 1 || modelDim < 1 || heads < 1 || modelDim % heads != 0 || ffDim < 1 || radialBasis < 0
                || activeRadialBasis < 0 || activeRadialBasis > radialBasis || targets < 1) {
            throw new IllegalArgumentException("not a Crystalformer configuration: " + layers + " layers, D "
                    + modelDim + ", F " + ffDim + ", H " + heads + ", K " + activeRadialBasis + "/" + radialBasis);
        }
    }

    /** The reference defaults: 4 layers, D 128, F 512, 8 heads, K 64 (dense), MLP [128], one target. */
    public static CrystalformerFlops defaults() {
        return new CrystalformerFlops(4, 128, 512, 8, 64, 64, List.of(128), 1);
    }

    /** Forward FLOPs of one crystal, by part. */
    public record Breakdown(double dense, double periodicSums, double attention, double other) {

        public double total() {
            return dense + periodicSums + attention + other;
        }
    }

    /**
     * Forward FLOPs of a crystal of {@code atoms} atoms whose periodic sums run over
     * {@code translationsPerPair} lattice translations per (pair, head) on average.
     */
    public Breakdown forward(int atoms, double translationsPerPair) {
        double n = atoms;
        double d = (double) modelDim / heads;
        double pairsHeads = n * n * heads;
        double dense = layers * n * (8.0 * modelDim * modelDim + 4.0 * modelDim * ffDim + 2.0 * modelDim);
        double periodic = layers * pairsHeads * translationsPerPair * (5.0 + 2.0 * activeRadialBasis);
        double attention = layers * (pairsHeads * (4.0 * d + 4.0 + 2.0 * radialBasis)
                + n * heads * 2.0 * radialBasis * d);
        double other = n * 2.0 * ATOM_FEATURES * modelDim;
        int in = modelDim;
        for (int h : hiddenDims) {
            other += 2.0 * in * h;
            in = h;
        }
        other += 2.0 * in * targets;
        return new Breakdown(dense, periodic, attention, other);
    }

    /** Training-step FLOPs (forward and backward) of one crystal. */
    public double training(int atoms, double translationsPerPair) {
        return TRAINING_FACTOR * forward(atoms, translationsPerPair).total();
    }
}
