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
 * <p>Outputs use the padded batch layout of {@link PaddedLayout}: α and ∂α/∂a as (B, n, n, H), ψ̄ and ∂ψ̄/∂a
 * head-major as (H, B, n, n, K) with n the largest crystal, so that the per-head projection W^E ψ̄ reads them
 * as one contiguous (H, B·n·n, K) matrix; entries of padding stay 0.
 */
final class PeriodicSums {

    /** The early-stop threshold of the precision: images with a·(d² − d²_min) below −cut are dropped. */
    static double cut(boolean float32) {
        return float32 ? 26.0 : 40.0;
    }

    /**
     * The results of one layer. ψ̄ and ∂ψ̄/∂a (K times larger than α) are stored in the model's precision:
     * float32 models get {@code float[]} (half the memory to zero, write and copy), float64 ones {@code double[]};
     * the other pair is null.
     */
    static final class Result {
        final double[] alpha;
        final double[] dAlpha;
        final double[] psi;
        final double[] dPsi;
        final float[] psiF;
        final float[] dPsiF;
        /** Box half-widths per (atom, head) in compact atom order, 3 per entry (for traces). */
        final int[] boxes;

        Result(double[] alpha, double[] dAlpha, double[] psi, double[] dPsi, float[] psiF, float[] dPsiF,
               int[] boxes) {
            this.alpha = alpha;
            this.dAlpha = dAlpha;
            this.psi = psi;
            this.dPsi = dPsi;
            this.psiF = psiF;
            this.dPsiF = dPsiF;
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
     * The float32 ψ̄ and ∂ψ̄/∂a arrays of this thread's last call, reused by its next one: they are the largest
     * arrays of a step (B·n²·H·K, 170 MB each for 80 cells of 32 atoms), and a fresh one costs a zeroing pass
     * and garbage. A result is consumed before the thread's next call (the chunks of a layer run one after the
     * other), so reuse is safe; padding entries, which a fresh array would hold as 0, are zeroed explicitly.
     */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private static float[] scratch(int which, int length) {
        float[][] held = SCRATCH.get();
        if (held[which].length < length) {
            held[which] = new float[length];
        }
        return held[which];
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
     * @param withPsi   whether the layer has a value position encoding
     * @param gradients whether ∂/∂a are needed
     */
    static Result compute(List<PairImages> images, PaddedLayout layout, double[] a, int heads, double cutoffSigma,
                          double fixedCutoff, int minRange, boolean float32, boolean withPsi, boolean gradients,
                          double cut) {
        int b = images.size();
        int nm = layout.maxAtoms();
        int k = withPsi ? images.get(0).kCount() : 0;
        double[] alpha = new double[b * nm * nm * heads];
        double[] dAlpha = gradients ? new double[alpha.length] : null;
        boolean asFloat = withPsi && float32;
        double[] psi = withPsi && !asFloat ? new double[alpha.length * k] : null;
        double[] dPsi = psi != null && gradients ? new double[psi.length] : null;
        float[] psiF = asFloat ? scratch(0, alpha.length * k) : null;
        float[] dPsiF = psiF != null && gradients ? scratch(1, alpha.length * k) : null;
        if (psiF != null) {
            zeroPaddedRows(layout, heads, k, psiF, dPsiF);
        }
        int[] boxes = new int[layout.atomCount() * heads * 3];
        int[] crystalOf = layout.crystalOfAtom();
        int[] atomOffset = layout.atomOffsets();
        IntStream.range(0, layout.atomCount()).parallel().forEach(atom -> {
            int c = crystalOf[atom];
            int i = atom - atomOffset[c];
            row(images.get(c), b, c, i, atom, nm, a, heads, cutoffSigma, fixedCutoff, minRange, float32, k,
                    cut, alpha, dAlpha, psi, dPsi, psiF, dPsiF, boxes);
        });
        return new Result(alpha, dAlpha, psi, dPsi, psiF, dPsiF, boxes);
    }

    /** ψ̄ entries of padding atoms i (all heads and j), which the kernel never writes. */
    private static void zeroPaddedRows(PaddedLayout layout, int heads, int k, float[] psiF, float[] dPsiF) {
        int nm = layout.maxAtoms();
        int[] sizes = layout.sizes();
        int b = sizes.length;
        for (int h = 0; h < heads; h++) {
            for (int c = 0; c < b; c++) {
                int from = psiOffset(b, nm, k, c, sizes[c], h, 0);
                int to = psiOffset(b, nm, k, c + 1, 0, h, 0);
                java.util.Arrays.fill(psiF, from, to, 0f);
                if (dPsiF != null) {
                    java.util.Arrays.fill(dPsiF, from, to, 0f);
                }
            }
        }
    }

    private static void row(PairImages im, int b, int c, int i, int atom, int nm, double[] aAll, int heads,
                            double cutoffSigma, double fixedCutoff, int minRange, boolean float32, int k,
                            double cut, double[] alpha, double[] dAlpha, double[] psi, double[] dPsi,
                            float[] psiF, float[] dPsiF, int[] boxes) {
        boolean grads = dPsi != null || dPsiF != null;
        int n = im.n;
        int win = im.window;
        // float32 models accumulate ψ̄ in float from float windows (vector FMAs where available)
        boolean inFloat = k > 0 && im.floatWindows();
        boolean vector = inFloat && WindowSums.vectorFor(win);
        double[] acc = inFloat ? null : new double[k + win];
        double[] accD = inFloat ? null : new double[k + win];
        float[] accF = inFloat ? new float[k + win] : null;
        float[] accDF = inFloat ? new float[k + win] : null;
        for (int h = 0; h < heads; h++) {
            if (psiF != null && n < nm) {   // padding keys j ≥ n of a reused array
                int pad = psiOffset(b, nm, k, c, i, h, n);
                int padEnd = pad + (nm - n) * k;
                java.util.Arrays.fill(psiF, pad, padEnd, 0f);
                if (dPsiF != null) {
                    java.util.Arrays.fill(dPsiF, pad, padEnd, 0f);
                }
            }
            double a = aAll[atom * heads + h];
            int[] r = box(im, a, cutoffSigma, fixedCutoff, minRange, float32);
            System.arraycopy(r, 0, boxes, (atom * heads + h) * 3, 3);
            double reach = cut / -a;
            for (int j = 0; j < n; j++) {
                int p = i * n + j;
                int s = im.start[p];
                int e = im.start[p + 1];
                int t0 = s;
                while (!PairImages.inBox(im.boxCode[t0], r[0], r[1], r[2])) {
                    t0++; // the translation n = 0 is in every box, so this stops
                }
                double d2min = im.d2[t0];
                double limit = d2min + reach;
                int end = t0;
                while (end < e && im.d2[end] <= limit) {
                    end++;
                }
                double[] phi = k > 0 && !inFloat ? im.phi(p, end - s) : null;
                float[] phiF = inFloat ? im.phiF(p, end - s) : null;
                int[] first = k > 0 ? im.firstBins(p) : null;
                double s0 = 0;
                double s1 = 0;
                if (inFloat) {
                    java.util.Arrays.fill(accF, 0f);
                    if (grads) {
                        java.util.Arrays.fill(accDF, 0f);
                    }
                } else if (k > 0) {
                    java.util.Arrays.fill(acc, 0);
                    if (grads) {
                        java.util.Arrays.fill(accD, 0);
                    }
                }
                for (int t = t0; t < end; t++) {
                    if (!PairImages.inBox(im.boxCode[t], r[0], r[1], r[2])) {
                        continue;
                    }
                    double d2 = im.d2[t];
                    double w = im.multiplicity[t] * Math.exp(a * (d2 - d2min));
                    s0 += w;
                    s1 += w * d2;
                    if (inFloat) {
                        int q = t - s;
                        if (!grads) {
                            WindowSums.add(vector, accF, first[q], phiF, q * win, win, (float) w);
                        } else {
                            WindowSums.add2(vector, accF, accDF, first[q], phiF, q * win, win, (float) w,
                                    (float) (w * d2));
                        }
                    } else if (k > 0) {
                        int q = t - s;
                        int k0 = first[q];
                        int base = q * win;
                        if (!grads) {
                            for (int u = 0; u < win; u++) {
                                acc[k0 + u] += w * phi[base + u];
                            }
                        } else {
                            double wd = w * d2;
                            for (int u = 0; u < win; u++) {
                                double f = phi[base + u];
                                acc[k0 + u] += w * f;
                                accD[k0 + u] += wd * f;
                            }
                        }
                    }
                }
                int pa = ((c * nm + i) * nm + j) * heads + h;
                alpha[pa] = a * d2min + Math.log(s0);
                double ed2 = s1 / s0;
                if (dAlpha != null) {
                    dAlpha[pa] = ed2;
                }
                if (k > 0) {
                    int pp = psiOffset(b, nm, k, c, i, h, j);
                    double inv = 1 / s0;
                    if (inFloat) {
                        storeFloat(accF, accDF, inv, ed2, k, pp, psi, dPsi, psiF, dPsiF);
                    } else if (psiF != null && dPsiF != null) {
                        for (int u = 0; u < k; u++) {   // no branch in the loop: the JIT vectorises it
                            double m = acc[u] * inv;
                            psiF[pp + u] = (float) m;
                            dPsiF[pp + u] = (float) (accD[u] * inv - ed2 * m);
                        }
                    } else if (psiF != null) {
                        for (int u = 0; u < k; u++) {
                            psiF[pp + u] = (float) (acc[u] * inv);
                        }
                    } else {
                        for (int u = 0; u < k; u++) {
                            double m = acc[u] * inv;
                            psi[pp + u] = m;
                            if (dPsi != null) {
                                dPsi[pp + u] = accD[u] * inv - ed2 * m;
                            }
                        }
                    }
                }
            }
        }
    }

    /** ψ̄ = acc/s0 and ∂ψ̄/∂a = accD/s0 − E[d²]·ψ̄ of one (pair, head) from float sums, in either precision. */
    private static void storeFloat(float[] acc, float[] accD, double inv, double ed2, int k, int pp, double[] psi,
                                   double[] dPsi, float[] psiF, float[] dPsiF) {
        if (psiF != null) {
            // float in, float out: branch-free loops of K that the JIT vectorises
            float invF = (float) inv;
            if (dPsiF == null) {
                for (int u = 0; u < k; u++) {
                    psiF[pp + u] = acc[u] * invF;
                }
            } else {
                float e = (float) ed2;
                for (int u = 0; u < k; u++) {
                    float m = acc[u] * invF;
                    psiF[pp + u] = m;
                    dPsiF[pp + u] = accD[u] * invF - e * m;
                }
            }
            return;
        }
        for (int u = 0; u < k; u++) {
            double m = acc[u] * inv;
            psi[pp + u] = m;
            if (dPsi != null) {
                dPsi[pp + u] = accD[u] * inv - ed2 * m;
            }
        }
    }

    /**
     * Σ_j π_ij ψ̄_ij and, when the result holds ∂ψ̄/∂a, Σ_j π_ij ∂ψ̄_ij/∂a per (head, crystal, atom): (H, B·n, K)
     * each, from the attention weights π (B, H, n, n); padding stays 0 (the second is null without ∂ψ̄/∂a).
     * A float32 result is summed in float (branch-free loops of K that the JIT vectorises) from float π.
     */
    static WeightedSums weighted(Result r, NDArray pi, int b, int nm, int heads, int k) {
        boolean withD = r.dPsi != null || r.dPsiF != null;
        int length = heads * b * nm * k;
        if (r.psiF != null) {
            float[] p = pi.toType(DataType.FLOAT32, false).toFloatArray();
            float[] psiSum = new float[length];
            float[] dSum = withD ? new float[length] : null;
            IntStream.range(0, b * nm).parallel().forEach(row -> weightedRow(r.psiF, r.dPsiF, p, psiSum, dSum,
                    row, b, nm, heads, k));
            return new WeightedSums(null, null, psiSum, dSum);
        }
        double[] p = pi.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] psiSum = new double[length];
        double[] dSum = withD ? new double[length] : null;
        IntStream.range(0, b * nm).parallel().forEach(row -> {
            int c = row / nm;
            int i = row % nm;
            for (int h = 0; h < heads; h++) {
                int out = (h * b * nm + row) * k;
                for (int j = 0; j < nm; j++) {
                    double w = p[((c * heads + h) * nm + i) * nm + j];
                    if (w == 0) {
                        continue; // padding keys
                    }
                    int in = psiOffset(b, nm, k, c, i, h, j);
                    for (int u = 0; u < k; u++) {
                        psiSum[out + u] += w * r.psi[in + u];
                    }
                    if (withD) {
                        for (int u = 0; u < k; u++) {
                            dSum[out + u] += w * r.dPsi[in + u];
                        }
                    }
                }
            }
        });
        return new WeightedSums(psiSum, dSum, null, null);
    }

    private static void weightedRow(float[] psi, float[] dPsi, float[] p, float[] psiSum, float[] dSum, int row,
                                    int b, int nm, int heads, int k) {
        int c = row / nm;
        int i = row % nm;
        for (int h = 0; h < heads; h++) {
            int out = (h * b * nm + row) * k;
            for (int j = 0; j < nm; j++) {
                float w = p[((c * heads + h) * nm + i) * nm + j];
                if (w == 0) {
                    continue; // padding keys
                }
                int in = psiOffset(b, nm, k, c, i, h, j);
                for (int u = 0; u < k; u++) {
                    psiSum[out + u] += w * psi[in + u];
                }
                if (dSum != null) {
                    for (int u = 0; u < k; u++) {
                        dSum[out + u] += w * dPsi[in + u];
                    }
                }
            }
        }
    }

    /** The π-weighted sums of {@link #weighted}, in the precision of the kernel's ψ̄ (one pair of arrays is null). */
    record WeightedSums(double[] psi, double[] dPsi, float[] psiF, float[] dPsiF) {

        /** Σ_j π_ij ψ̄_ij as an (H, B·n, K) array of the given type. */
        NDArray psiSum(NDManager mgr, DataType dt, long... shape) {
            return psiF != null ? HostArrays.of(mgr, psiF, shape).toType(dt, false) : HostArrays.of(mgr, psi, dt, shape);
        }

        /** Σ_j π_ij ∂ψ̄_ij/∂a as an (H, B·n, K) array of the given type. */
        NDArray dPsiSum(NDManager mgr, DataType dt, long... shape) {
            return dPsiF != null ? HostArrays.of(mgr, dPsiF, shape).toType(dt, false) : HostArrays.of(mgr, dPsi, dt, shape);
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
