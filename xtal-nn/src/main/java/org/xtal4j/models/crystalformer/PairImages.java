package org.xtal4j.models.crystalformer;

import java.util.Arrays;

/**
 * The periodic images of every atom pair of one crystal for the fused real-space sums ({@link PeriodicSums}):
 * per pair (i, j) (query-major), the lattice translations n of the largest box any head may need, sorted by
 * d² = |r_ij + L n|² ascending, with |n_k| packed for the per-(atom, head) box test. Sorting lets a head stop
 * once exp(a·(d² − d²_min)) has fallen below the precision's rounding, so a typical head visits 30–70 images
 * instead of the 125–700 of its box. The radial basis values φ_k(|r_ij + L n|) (crystalformer.md §6.4) depend
 * on neither head nor layer: they are computed on first use, for the images some head reaches, and cached.
 *
 * <p>Not thread-safe per pair; {@link PeriodicSums} gives each query atom's pairs to one thread.
 */
final class PairImages {

    /** Half-width of the radial-basis window in Gaussian widths for float64: φ < e^−40 beyond it. */
    static final double WINDOW_WIDTHS = 9.0;

    /** The same for float32: φ < e^−18 (1.5e−8, under float32 rounding) beyond it. */
    static final double WINDOW_WIDTHS_FLOAT32 = 6.0;

    /** Images whose d² differ by less than this (Å²) are the same distance. */
    static final double SAME_D2 = 1e-10;

    final int n;
    final int[] halfWidths;
    final double[] bOver2Pi;
    /** Offsets of each pair's images; pair p = i·n + j owns [start[p], start[p + 1]). */
    final int[] start;
    final double[] d2;
    /** |n1| << 20 | |n2| << 10 | |n3|. */
    final int[] boxCode;
    /** How many lattice translations each entry stands for (equal d² and equal |n_k|). */
    final double[] multiplicity;

    // radial basis cache: per pair, images [0, cached[p]) have their window in phi[p]
    private final int kCount;
    private final double step;
    private final double width;
    private final double windowWidths;
    /** Bins per cached window; for float32 a multiple of {@link #FLOAT_BLOCK} when K allows. */
    final int window;
    private final double[][] phi;
    private final float[][] phiF;
    private final int[][] firstBin;
    private final int[] cached;

    /** float32 windows are padded to a multiple of this many bins, the float lanes of a 256-bit vector. */
    static final int FLOAT_BLOCK = 8;

    private PairImages(int n, int[] halfWidths, double[] bOver2Pi, int[] start, double[] d2, int[] boxCode,
                       double[] multiplicity, int kCount, double rbfMax, double widthScale, boolean float32) {
        double windowWidths = float32 ? WINDOW_WIDTHS_FLOAT32 : WINDOW_WIDTHS;
        this.multiplicity = multiplicity;
        this.windowWidths = windowWidths;
        this.n = n;
        this.halfWidths = halfWidths;
        this.bOver2Pi = bOver2Pi;
        this.start = start;
        this.d2 = d2;
        this.boxCode = boxCode;
        this.kCount = kCount;
        this.step = kCount > 0 ? rbfMax / kCount : 0;
        this.width = widthScale * step;
        // float windows only where vector FMAs will sum them: in scalar code the double loop is faster
        boolean floats = float32 && WindowSums.vectorFor(FLOAT_BLOCK);
        int w = kCount > 0 ? (int) Math.min(kCount, 2 * Math.ceil(windowWidths * widthScale) + 2) : 0;
        int padded = (w + FLOAT_BLOCK - 1) / FLOAT_BLOCK * FLOAT_BLOCK;
        this.window = floats && padded <= kCount ? padded : w; // the extra bins hold their true (tiny) values
        this.phi = floats ? null : new double[n * n][];
        this.phiF = floats ? new float[n * n][] : null;
        this.firstBin = new int[n * n][];
        this.cached = new int[n * n];
    }

    /**
     * The images of a crystal with lattice rows m (Å) and Cartesian positions pos, over the box of half-widths
     * hw; radial basis with K = kCount functions up to rbfMax (kCount 0: no value position encoding).
     */
    static PairImages of(double[][] m, double[][] pos, int[] hw, double[] bOver2Pi, int kCount, double rbfMax,
                         double widthScale, boolean float32, double maxReach) {
        int n = pos.length;
        int t = (2 * hw[0] + 1) * (2 * hw[1] + 1) * (2 * hw[2] + 1);
        double[] lx = new double[t];
        double[] ly = new double[t];
        double[] lz = new double[t];
        int[] code = new int[t];
        int q = 0;
        for (int a = -hw[0]; a <= hw[0]; a++) {
            for (int b = -hw[1]; b <= hw[1]; b++) {
                for (int c = -hw[2]; c <= hw[2]; c++) {
                    lx[q] = a * m[0][0] + b * m[1][0] + c * m[2][0];
                    ly[q] = a * m[0][1] + b * m[1][1] + c * m[2][1];
                    lz[q] = a * m[0][2] + b * m[1][2] + c * m[2][2];
                    code[q] = Math.abs(a) << 20 | Math.abs(b) << 10 | Math.abs(c);
                    q++;
                }
            }
        }
        int pairs = n * n;
        int[] start = new int[pairs + 1];
        double[] d2 = new double[pairs * t];
        int[] boxCode = new int[pairs * t];
        double[] mult = new double[pairs * t];
        double[] dist = new double[t];
        long[] keys = new long[t];
        int off = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int p = i * n + j;
                double rx = pos[j][0] - pos[i][0];
                double ry = pos[j][1] - pos[i][1];
                double rz = pos[j][2] - pos[i][2];
                // no head reaches beyond d²_min + maxReach, d²_min over the |n_k| ≤ 1 images that every box holds
                double nearest = Double.POSITIVE_INFINITY;
                for (int k = 0; k < t; k++) {
                    double x = rx + lx[k];
                    double y = ry + ly[k];
                    double z = rz + lz[k];
                    dist[k] = x * x + y * y + z * z;
                    if (inBox(code[k], 1, 1, 1)) {
                        nearest = Math.min(nearest, dist[k]);
                    }
                }
                double keepUpTo = nearest + maxReach;
                // only the images some head may reach are sorted (a fraction of the box for most pairs);
                // positive floats order as their bits: sort by d² (float-rounded) with the index below
                int kept = 0;
                for (int k = 0; k < t; k++) {
                    if (dist[k] <= keepUpTo) {
                        keys[kept++] = (long) Float.floatToRawIntBits((float) dist[k]) << 32 | k;
                    }
                }
                Arrays.sort(keys, 0, kept);
                start[p] = off;
                // images at the same distance with the same |n_k| are one term with a multiplicity: symmetric
                // crystals have many (a cubic cell's ±a images of an atom and itself, ...)
                int runStart = 0;
                while (runStart < kept) {
                    int runEnd = runStart + 1;
                    while (runEnd < kept && (int) (keys[runEnd] >>> 32) == (int) (keys[runStart] >>> 32)) {
                        runEnd++;
                    }
                    int groupFrom = off;
                    for (int k = runStart; k < runEnd; k++) {
                        int idx = (int) keys[k];
                        int merged = -1;
                        for (int g = groupFrom; g < off; g++) {
                            if (boxCode[g] == code[idx] && Math.abs(d2[g] - dist[idx]) <= SAME_D2) {
                                merged = g;
                                break;
                            }
                        }
                        if (merged >= 0) {
                            mult[merged] += 1;
                        } else {
                            d2[off] = dist[idx];
                            boxCode[off] = code[idx];
                            mult[off] = 1;
                            off++;
                        }
                    }
                    runStart = runEnd;
                }
            }
        }
        start[pairs] = off;
        return new PairImages(n, hw.clone(), bOver2Pi.clone(), start, Arrays.copyOf(d2, off), Arrays.copyOf(boxCode, off),
                Arrays.copyOf(mult, off), kCount, rbfMax, widthScale, float32);
    }

    static boolean inBox(int code, int r1, int r2, int r3) {
        return (code >>> 20) <= r1 && ((code >>> 10) & 0x3FF) <= r2 && (code & 0x3FF) <= r3;
    }

    /** Radial-basis window values of pair p's images [0, upTo): makes sure they are cached (float64 models). */
    double[] phi(int p, int upTo) {
        if (cached[p] < upTo) {
            grow(p, upTo);
        }
        return phi[p];
    }

    /** Whether the windows are cached as floats (a float32 model's images): read them with {@link #phiF}. */
    boolean floatWindows() {
        return phiF != null;
    }

    /** The same for float32 models, whose windows are cached as floats. */
    float[] phiF(int p, int upTo) {
        if (cached[p] < upTo) {
            grow(p, upTo);
        }
        return phiF[p];
    }

    /** First radial-basis bin (0-based) of each cached image of pair p. */
    int[] firstBins(int p) {
        return firstBin[p];
    }

    private void grow(int p, int upTo) {
        int total = start[p + 1] - start[p];
        int want = Math.min(total, Math.max(upTo, Math.max(16, 2 * cached[p])));
        boolean asFloat = phiF != null;
        double[] f = asFloat ? null : phi[p] == null ? new double[want * window] : Arrays.copyOf(phi[p], want * window);
        float[] ff = !asFloat ? null : phiF[p] == null ? new float[want * window] : Arrays.copyOf(phiF[p], want * window);
        int[] k0 = firstBin[p] == null ? new int[want] : Arrays.copyOf(firstBin[p], want);
        double delta = step / width;
        double decay = Math.exp(-delta * delta);
        for (int q = cached[p]; q < want; q++) {
            double d = Math.sqrt(d2[start[p] + q]);
            // centres μ_k = (k + 1)·step, k = 0..K−1 (§6.4: μ_k = k·r_max/K, k = 1..K)
            int first = (int) Math.floor((d - windowWidths * width) / step) - 1;
            first = Math.max(0, Math.min(first, kCount - window));
            k0[q] = first;
            // φ_{u+1} = φ_u·g_u with g_u = exp(z_u·δ − δ²/2) and g_{u+1} = g_u·e^−δ²: two exps per image
            double z = (d - (first + 1) * step) / width;
            double value = Math.exp(-0.5 * z * z);
            double g = Math.exp(z * delta - 0.5 * delta * delta);
            for (int u = 0; u < window; u++) {
                if (asFloat) {
                    ff[q * window + u] = (float) value;
                } else {
                    f[q * window + u] = value;
                }
                value *= g;
                g *= decay;
            }
        }
        if (asFloat) {
            phiF[p] = ff;
        } else {
            phi[p] = f;
        }
        firstBin[p] = k0;
        cached[p] = want;
    }

    int kCount() {
        return kCount;
    }
}
