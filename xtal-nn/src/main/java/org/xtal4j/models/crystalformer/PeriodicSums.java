package org.xtal4j.models.crystalformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.stream.IntStream;
import org.xtal4j.nn.HostArrays;

/**
 * The fused real-space lattice sums of one layer (crystalformer.md §6.3–§6.6), in plain Java over the
 * {@link PairImages} of a batch, multi-threaded over query atoms. For every pair (i, j) and head h with
 * a = a_ih and the box of (i, h):
 * <pre>
 *   α     = a·d²_min + log Σ_n w_n,              w_n = exp(a·(d²_n − d²_min))
 *   ψ̄_k   = Σ_n w_n φ_k(d_n) / Σ_n w_n
 *   ∂α/∂a = E_p[d²],   ∂ψ̄_k/∂a = E_p[d² φ_k] − E_p[d²]·ψ̄_k          (only when gradients are needed)
 * </pre>
 * The images of a pair are sorted by d², so a head stops at the first image with a·(d² − d²_min) &lt; −cut:
 * each image it drops weighs below e^−cut relative to the nearest one — under the rounding of the precision
 * (cut = 40 in float64: 4e−18 per image; 26 in float32: 5e−12 per image, 1e−9 for a few hundred).
 *
 * <p>With a value position encoding, the attention weights π_ij = softmax_j(q_i·k_j/√d + α_ij) are made here
 * too, per (i, h), from the scores q·k/√d, and the layer's value term needs only the π-weighted sums
 * Σ_j π_ij ψ̄_ij and Σ_j π_ij ∂ψ̄_ij/∂a per (i, h): they are summed straight from the images' windows
 * (a second pass over the images with their cached weights), so ψ̄ itself is stored only when asked for (the
 * training step's ∂/∂π term and traces) and ∂ψ̄/∂a never.
 *
 * <p>Outputs use the padded batch layout of {@link PaddedLayout}: α and ∂α/∂a as (B, n, n, H), the weighted
 * sums as (H, B·n, K), and a stored ψ̄ head-major as (H, B, n, n, K) with n the largest crystal, so that the
 * per-head projection W^E ψ̄ reads it as one contiguous (H, B·n·n, K) matrix; entries of padding stay 0.
 */
final class PeriodicSums {

    /** The early-stop threshold of the precision: images with a·(d² − d²_min) below −cut are dropped. */
    static double cut(boolean float32) {
        return float32 ? 26.0 : 40.0;
    }

    /**
     * The results of one layer. A stored ψ̄ (K times larger than α) is in the model's precision: float32 models
     * get {@code psiF}, float64 ones {@code psi}; the other is null, and both are null when ψ̄ was not stored.
     */
    static final class Result {
        final double[] alpha;
        final double[] dAlpha;
        final double[] psi;
        final float[] psiF;
        /** Σ_j π_ij ψ̄_ij and Σ_j π_ij ∂ψ̄_ij/∂a; null without a value position encoding. */
        final WeightedSums weighted;
        /** Box half-widths per (atom, head) in compact atom order, 3 per entry (for traces). */
        final int[] boxes;

        Result(double[] alpha, double[] dAlpha, double[] psi, float[] psiF, WeightedSums weighted, int[] boxes) {
            this.alpha = alpha;
            this.dAlpha = dAlpha;
            this.psi = psi;
            this.psiF = psiF;
            this.weighted = weighted;
            this.boxes = boxes;
        }

        boolean hasPsi() {
            return psi != null || psiF != null;
        }

        /** ψ̄ of one entry (from {@link #psiOffset}): K values, as doubles into {@code to}. */
        void psiInto(int from, double[] to, int at, int k) {
            if (psiF != null) {
                for (int u = 0; u < k; u++) {
                    to[at + u] = psiF[from + u];
                }
            } else {
                System.arraycopy(psi, from, to, at, k);
            }
        }
    }

    /**
     * The float32 ψ̄ array of this thread's last call, reused by its next one: it is the largest array of a
     * step (B·n²·H·K, 170 MB for 80 cells of 32 atoms), and a fresh one costs a zeroing pass and garbage. A
     * result is consumed before the thread's next call (the chunks of a layer run one after the other), so reuse
     * is safe; padding entries, which a fresh array would hold as 0, are zeroed explicitly.
     */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    private static float[] scratch(int length) {
        float[][] held = SCRATCH.get();
        if (held[0].length < length) {
            held[0] = new float[length];
        }
        return held[0];
    }

    /** Per thread: the weights of one query atom's images, kept from the first pass for the second. */
    private static final ThreadLocal<double[][]> WEIGHTS = ThreadLocal.withInitial(() -> new double[1][0]);

    private static double[] weights(int length) {
        double[][] held = WEIGHTS.get();
        if (held[0].length < length) {
            held[0] = new double[Math.max(length, 2 * held[0].length)];
        }
        return held[0];
    }

    private PeriodicSums() {
    }

    /** Offset of ψ̄ (and ∂ψ̄/∂a) of pair (i, j) of crystal c and head h among B crystals of n padded atoms. */
    static int psiOffset(int b, int nm, int k, int c, int i, int h, int j) {
        return (((h * b + c) * nm + i) * nm + j) * k;
    }

    /**
     * @param images    per crystal of the batch
     * @param layout    the padded layout of the batch
     * @param a         a_ih in compact atom order (N·H)
     * @param heads     H
     * @param cutoffSigma the box rule: &lt; 0 adaptive |v|·σ_ih, &gt; 0 the fixed cutoff given in {@code fixedCutoff},
     *                  0 the fixed box {@code minRange}
     * @param fixedCutoff cutoff (Å) when cutoffSigma &gt; 0
     * @param minRange  the box minimum (lattice_range with minimum_range, else 0), or the fixed half-width
     * @param float32   whether the model computes in float32 (box arithmetic as the reference's kernel)
     * @param scores    q_i·k_j/√d as (B, H, n, n) for the attention weights of the weighted sums; null without
     *                  a value position encoding
     * @param gradients whether ∂/∂a are needed
     * @param storePsi  whether to keep ψ̄ per pair (with a value position encoding)
     */
    static Result compute(List<PairImages> images, PaddedLayout layout, double[] a, int heads, double cutoffSigma,
                          double fixedCutoff, int minRange, boolean float32, double[] scores, boolean gradients,
                          boolean storePsi, double cut) {
        int b = images.size();
        int nm = layout.maxAtoms();
        boolean withPsi = scores != null;
        int k = withPsi ? images.get(0).kCount() : 0;
        double[] alpha = new double[b * nm * nm * heads];
        double[] dAlpha = gradients ? new double[alpha.length] : null;
        boolean store = withPsi && storePsi;
        double[] psi = store && !float32 ? new double[alpha.length * k] : null;
        float[] psiF = store && float32 ? scratch(alpha.length * k) : null;
        if (psiF != null) {
            zeroPaddedRows(layout, heads, k, psiF);
        }
        // the weighted sums in float where the windows are floats (float32 models with vector FMAs)
        boolean floatSums = withPsi && images.get(0).floatWindows();
        int sumLength = withPsi ? heads * b * nm * k : 0;
        WeightedSums sums = !withPsi ? null : floatSums
                ? new WeightedSums(null, null, new float[sumLength], gradients ? new float[sumLength] : null)
                : new WeightedSums(new double[sumLength], gradients ? new double[sumLength] : null, null, null);
        int[] boxes = new int[layout.atomCount() * heads * 3];
        int[] crystalOf = layout.crystalOfAtom();
        int[] atomOffset = layout.atomOffsets();
        IntStream.range(0, layout.atomCount()).parallel().forEach(atom -> {
            int c = crystalOf[atom];
            int i = atom - atomOffset[c];
            row(images.get(c), b, c, i, atom, nm, a, heads, cutoffSigma, fixedCutoff, minRange, float32, k,
                    cut, scores, alpha, dAlpha, psi, psiF, sums, boxes);
        });
        return new Result(alpha, dAlpha, psi, psiF, sums, boxes);
    }

    /** ψ̄ entries of padding atoms i (all heads and j), which the kernel never writes. */
    private static void zeroPaddedRows(PaddedLayout layout, int heads, int k, float[] psiF) {
        int nm = layout.maxAtoms();
        int[] sizes = layout.sizes();
        int b = sizes.length;
        for (int h = 0; h < heads; h++) {
            for (int c = 0; c < b; c++) {
                java.util.Arrays.fill(psiF, psiOffset(b, nm, k, c, sizes[c], h, 0), psiOffset(b, nm, k, c + 1, 0, h, 0),
                        0f);
            }
        }
    }

    /**
     * Query atom i of crystal c, head by head: a first pass over each pair's images gives the weights w_n, α
     * and ∂α/∂a, then π over the keys j, then a second pass adds the windows into the weighted sums (and into
     * ψ̄_ij when it is stored).
     */
    private static void row(PairImages im, int b, int c, int i, int atom, int nm, double[] aAll, int heads,
                            double cutoffSigma, double fixedCutoff, int minRange, boolean float32, int k,
                            double cut, double[] scores, double[] alpha, double[] dAlpha, double[] psi,
                            float[] psiF, WeightedSums sums, int[] boxes) {
        boolean grads = dAlpha != null;
        int n = im.n;
        int win = im.window;
        int rowStart = im.start[i * n];
        double[] w = weights(im.start[i * n + n] - rowStart);
        int[] from = new int[n];
        int[] to = new int[n];
        double[] s0 = new double[n];
        double[] ed2 = new double[n];
        double[] pi = k > 0 ? new double[n] : null;
        boolean inFloat = k > 0 && im.floatWindows();
        boolean vectorExp = WindowSums.vectorEnabled();   // the weights' exps four at a time
        Accumulators acc = k > 0 ? new Accumulators(inFloat, k + win, inFloat && WindowSums.vectorFor(win)) : null;
        for (int h = 0; h < heads; h++) {
            double a = aAll[atom * heads + h];
            int[] r = box(im, a, cutoffSigma, fixedCutoff, minRange, float32);
            System.arraycopy(r, 0, boxes, (atom * heads + h) * 3, 3);
            double reach = cut / -a;
            for (int j = 0; j < n; j++) {
                int p = i * n + j;
                int e = im.start[p + 1];
                int t0 = im.start[p];
                while (!PairImages.inBox(im.boxCode[t0], r[0], r[1], r[2])) {
                    t0++; // the translation n = 0 is in every box, so this stops
                }
                double d2min = im.d2[t0];
                double limit = d2min + reach;
                int t = t0;
                while (t < e && im.d2[t] <= limit) {
                    t++;
                }
                WindowSums.weights(vectorExp, im.d2, im.multiplicity, t0, t, a, d2min, w, t0 - rowStart);
                double sum = 0;
                double sumD2 = 0;
                for (int u = t0; u < t; u++) {
                    double x = PairImages.inBox(im.boxCode[u], r[0], r[1], r[2]) ? w[u - rowStart] : 0;
                    w[u - rowStart] = x;
                    sum += x;
                    sumD2 += x * im.d2[u];
                }
                from[j] = t0;
                to[j] = t;
                s0[j] = sum;
                ed2[j] = sumD2 / sum;
                int pa = ((c * nm + i) * nm + j) * heads + h;
                alpha[pa] = a * d2min + Math.log(sum);
                if (grads) {
                    dAlpha[pa] = ed2[j];
                }
            }
            if (k == 0) {
                continue;
            }
            softmax(scores, ((c * heads + h) * nm + i) * nm, alpha, ((c * nm + i) * nm) * heads + h, heads, n, pi);
            if (psiF != null && n < nm) {   // padding keys j ≥ n of a reused array
                int pad = psiOffset(b, nm, k, c, i, h, n);
                java.util.Arrays.fill(psiF, pad, pad + (nm - n) * k, 0f);
            }
            boolean store = psi != null || psiF != null;
            acc.clearSums();
            for (int j = 0; j < n; j++) {
                int p = i * n + j;
                int s = im.start[p];
                double inv = 1 / s0[j];
                double weight = pi[j] * inv;   // of w_n in Σ_j π_ij ψ̄_ij
                if (store) {
                    acc.clearPair();
                }
                if (inFloat) {
                    float[] phi = im.phiF(p, to[j] - s);
                    int[] first = im.firstBins(p);   // after the windows: they may grow the cache
                    for (int t = from[j]; t < to[j]; t++) {
                        double x = w[t - rowStart];
                        if (x == 0) {
                            continue; // outside the box
                        }
                        int q = t - s;
                        float dw = grads ? (float) (weight * x * (im.d2[t] - ed2[j])) : 0f;
                        acc.addFloat(store, grads, first[q], phi, q * win, win, (float) (store ? x : weight * x), dw);
                    }
                } else {
                    double[] phi = im.phi(p, to[j] - s);
                    int[] first = im.firstBins(p);
                    for (int t = from[j]; t < to[j]; t++) {
                        double x = w[t - rowStart];
                        if (x == 0) {
                            continue;
                        }
                        int q = t - s;
                        double dw = grads ? weight * x * (im.d2[t] - ed2[j]) : 0;
                        acc.addDouble(store, grads, first[q], phi, q * win, win, store ? x : weight * x, dw);
                    }
                }
                if (store) {
                    acc.storePair(inv, pi[j], psiOffset(b, nm, k, c, i, h, j), k, psi, psiF);
                }
            }
            acc.writeSums(sums, (h * b * nm + c * nm + i) * k, k);
        }
    }

    /** π_j = softmax_j(scores_j + α_j) over the n keys of one (crystal, head, query) row, in double. */
    private static void softmax(double[] scores, int sAt, double[] alpha, int aAt, int heads, int n, double[] pi) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            pi[j] = scores[sAt + j] + alpha[aAt + j * heads];
            max = Math.max(max, pi[j]);
        }
        double total = 0;
        for (int j = 0; j < n; j++) {
            pi[j] = Math.exp(pi[j] - max);
            total += pi[j];
        }
        for (int j = 0; j < n; j++) {
            pi[j] /= total;
        }
    }

    /**
     * The running sums of one query atom and head: the π-weighted sums and their ∂/∂a (over all keys), and,
     * when ψ̄ is stored, the current pair's Σ_n w_n φ_n. Float or double, as the cached windows.
     */
    private static final class Accumulators {
        private final boolean vector;
        private final float[] pairF;
        private final float[] sumF;
        private final float[] dSumF;
        private final double[] pair;
        private final double[] sum;
        private final double[] dSum;

        Accumulators(boolean inFloat, int length, boolean vector) {
            this.vector = vector;
            pairF = inFloat ? new float[length] : null;
            sumF = inFloat ? new float[length] : null;
            dSumF = inFloat ? new float[length] : null;
            pair = inFloat ? null : new double[length];
            sum = inFloat ? null : new double[length];
            dSum = inFloat ? null : new double[length];
        }

        void clearSums() {
            if (sumF != null) {
                java.util.Arrays.fill(sumF, 0f);
                java.util.Arrays.fill(dSumF, 0f);
            } else {
                java.util.Arrays.fill(sum, 0);
                java.util.Arrays.fill(dSum, 0);
            }
        }

        void clearPair() {
            if (pairF != null) {
                java.util.Arrays.fill(pairF, 0f);
            } else {
                java.util.Arrays.fill(pair, 0);
            }
        }

        /** One image's window: into the pair (stored ψ̄) or straight into the weighted sum, and into ∂/∂a's. */
        void addFloat(boolean store, boolean grads, int at, float[] phi, int base, int win, float x, float dw) {
            float[] target = store ? pairF : sumF;
            if (grads) {
                WindowSums.add2(vector, target, dSumF, at, phi, base, win, x, dw);
            } else {
                WindowSums.add(vector, target, at, phi, base, win, x);
            }
        }

        void addDouble(boolean store, boolean grads, int at, double[] phi, int base, int win, double x, double dw) {
            double[] target = store ? pair : sum;
            if (grads) {
                for (int u = 0; u < win; u++) {
                    double f = phi[base + u];
                    target[at + u] += x * f;
                    dSum[at + u] += dw * f;
                }
            } else {
                for (int u = 0; u < win; u++) {
                    target[at + u] += x * phi[base + u];
                }
            }
        }

        /** ψ̄ = pair/s0 into the stored array at {@code pp}, and π·ψ̄ into the weighted sum. */
        void storePair(double inv, double pi, int pp, int k, double[] psi, float[] psiF) {
            if (pairF != null) {   // float windows come with float32 models, whose ψ̄ is float
                float invF = (float) inv;   // branch-free loop of K: the JIT vectorises it
                float piF = (float) pi;
                for (int u = 0; u < k; u++) {
                    float m = pairF[u] * invF;
                    psiF[pp + u] = m;
                    sumF[u] += piF * m;
                }
            } else if (psiF != null) {
                for (int u = 0; u < k; u++) {
                    double m = pair[u] * inv;
                    psiF[pp + u] = (float) m;
                    sum[u] += pi * m;
                }
            } else {
                for (int u = 0; u < k; u++) {
                    double m = pair[u] * inv;
                    psi[pp + u] = m;
                    sum[u] += pi * m;
                }
            }
        }

        void writeSums(WeightedSums out, int at, int k) {
            if (sumF != null) {
                System.arraycopy(sumF, 0, out.psiF(), at, k);
                if (out.dPsiF() != null) {
                    System.arraycopy(dSumF, 0, out.dPsiF(), at, k);
                }
            } else {
                System.arraycopy(sum, 0, out.psi(), at, k);
                if (out.dPsi() != null) {
                    System.arraycopy(dSum, 0, out.dPsi(), at, k);
                }
            }
        }
    }

    /**
     * Σ_j π_ij ψ̄_ij and Σ_j π_ij ∂ψ̄_ij/∂a per (head, crystal, atom), (H, B·n, K) each, in the precision of the
     * cached windows (one pair of arrays is null; the second of a pair is null without gradients).
     */
    record WeightedSums(double[] psi, double[] dPsi, float[] psiF, float[] dPsiF) {

        /** Σ_j π_ij ψ̄_ij as an (H, B·n, K) array of the given type. */
        NDArray psiSum(NDManager mgr, DataType dt, long... shape) {
            return psiF != null ? HostArrays.of(mgr, psiF, shape).toType(dt, false)
                    : HostArrays.of(mgr, psi, dt, shape);
        }

        /** Σ_j π_ij ∂ψ̄_ij/∂a as an (H, B·n, K) array of the given type. */
        NDArray dPsiSum(NDManager mgr, DataType dt, long... shape) {
            return dPsiF != null ? HostArrays.of(mgr, dPsiF, shape).toType(dt, false)
                    : HostArrays.of(mgr, dPsi, dt, shape);
        }
    }

    /** The box half-widths of one (atom, head), as the reference's kernel computes them (§6.3). */
    static int[] box(PairImages im, double a, double cutoffSigma, double fixedCutoff, int minRange,
                     boolean float32) {
        if (cutoffSigma == 0) {
            return new int[] {minRange, minRange, minRange};
        }
        int[] r = new int[3];
        if (float32) {
            float af = (float) a;
            float cut = cutoffSigma < 0
                    ? (float) Math.pow(-2f * af, -0.5) * (float) -cutoffSigma
                    : (float) fixedCutoff;
            float c1 = cut + 0.01f;
            for (int q = 0; q < 3; q++) {
                r[q] = Math.max(minRange, (int) Math.ceil(c1 * (float) im.bOver2Pi[q]));
            }
        } else {
            double cut = cutoffSigma < 0 ? Math.pow(-2 * a, -0.5) * -cutoffSigma : fixedCutoff;
            for (int q = 0; q < 3; q++) {
                r[q] = Math.max(minRange, (int) Math.ceil((cut + 0.01) * im.bOver2Pi[q]));
            }
        }
        for (int q = 0; q < 3; q++) {
            r[q] = Math.min(r[q], im.halfWidths[q]); // the precomputed box is the largest any head needs
        }
        return r;
    }
}
