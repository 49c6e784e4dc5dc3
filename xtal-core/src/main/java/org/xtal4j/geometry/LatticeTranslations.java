package org.xtal4j.geometry;

import java.util.Arrays;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Structure;

/**
 * Integer lattice translations n (L n = n1·a + n2·b + n3·c) for lattice sums such as
 * Crystalformer's "pseudo-finite" periodic attention. Results are flat int arrays, 3 per
 * translation, ordered with n1 outermost and n3 innermost (lexicographic).
 *
 * <ul>
 *   <li>{@link #withinCutoff}: the sphere — all n with |r + L n| ≤ cutoff for an offset r,
 *       enumerated over the exact per-axis bounds |f_k + n_k| ≤ cutoff·|b*_k| (f = fractional r,
 *       b* = crystallographic reciprocal vectors, no 2π) and then tested.</li>
 *   <li>{@link #box}: the box — all (2R1+1)(2R2+1)(2R3+1) vectors with |n_k| ≤ R_k, no spherical
 *       cut (Crystalformer's sum, crystalformer.md §6.3).</li>
 *   <li>{@link #crystalformerHalfWidths}: Crystalformer's adaptive box for one cutoff
 *       (3.5·σ for an atom and head): R_k = max(minimum, ceil((cutoff + 0.01)·|b_k|/2π)), computed
 *       like its CUDA kernel ((float)(cutoff + 0.01f) · (float)|b_k| in float, divided by 2π in
 *       double); |b_k|/2π = |b*_k| = 1/(spacing of the lattice planes k).</li>
 * </ul>
 */
public final class LatticeTranslations {

    /** Crystalformer's {@code lattice_range}, the minimum box half-width with {@code minimum_range}. */
    public static final int CRYSTALFORMER_MIN_RANGE = 2;

    private LatticeTranslations() {
    }

    /** All n with |r + L n| ≤ cutoff for the Cartesian offset r (Å); 3 ints per translation. */
    public static int[] withinCutoff(Lattice lattice, double[] r, double cutoff) {
        if (!(cutoff >= 0) || !Double.isFinite(cutoff)) {
            throw new IllegalArgumentException("cutoff must be a non-negative number of Å, got " + cutoff);
        }
        double[] f = lattice.toFractional(r);
        double[] recip = reciprocalLengths(lattice);
        int[] lo = new int[3];
        int[] hi = new int[3];
        for (int k = 0; k < 3; k++) {
            double reach = cutoff * recip[k] * (1 + 1e-12) + 1e-12;
            lo[k] = (int) Math.ceil(-reach - f[k]);
            hi[k] = (int) Math.floor(reach - f[k]);
        }
        double[][] m = lattice.matrix();
        double c2 = cutoff * cutoff;
        IntBuffer out = new IntBuffer();
        for (int a = lo[0]; a <= hi[0]; a++) {
            for (int b = lo[1]; b <= hi[1]; b++) {
                for (int c = lo[2]; c <= hi[2]; c++) {
                    double x = r[0] + a * m[0][0] + b * m[1][0] + c * m[2][0];
                    double y = r[1] + a * m[0][1] + b * m[1][1] + c * m[2][1];
                    double z = r[2] + a * m[0][2] + b * m[1][2] + c * m[2][2];
                    if (x * x + y * y + z * z <= c2) {
                        out.add(a, b, c);
                    }
                }
            }
        }
        return out.toArray();
    }

    /**
     * The union over all ordered site pairs (i, j), self-pairs included, of the n with
     * |r_j − r_i + L n| ≤ cutoff: the translations a batched lattice sum needs for this structure.
     */
    public static int[] unionForPairs(Structure s, double cutoff) {
        double[][] cart = s.cartesianCoordinates();
        java.util.TreeSet<Long> set = new java.util.TreeSet<>();
        for (double[] ri : cart) {
            for (double[] rj : cart) {
                int[] t = withinCutoff(s.lattice(), new double[] {rj[0] - ri[0], rj[1] - ri[1], rj[2] - ri[2]}, cutoff);
                for (int q = 0; q < t.length; q += 3) {
                    set.add(key(t[q], t[q + 1], t[q + 2]));
                }
            }
        }
        IntBuffer out = new IntBuffer();
        for (long k : set) {
            out.add((int) (k >> 42) - (1 << 20), (int) ((k >> 21) & 0x1FFFFF) - (1 << 20), (int) (k & 0x1FFFFF) - (1 << 20));
        }
        return out.toArray();
    }

    private static long key(int a, int b, int c) {
        return ((long) (a + (1 << 20)) << 42) | ((long) (b + (1 << 20)) << 21) | (c + (1 << 20));
    }

    /** All n with |n_k| ≤ halfWidths[k]; 3 ints per translation, n1 outermost. */
    public static int[] box(int r1, int r2, int r3) {
        if (r1 < 0 || r2 < 0 || r3 < 0) {
            throw new IllegalArgumentException("box half-widths must be non-negative");
        }
        int[] out = new int[3 * (2 * r1 + 1) * (2 * r2 + 1) * (2 * r3 + 1)];
        int q = 0;
        for (int a = -r1; a <= r1; a++) {
            for (int b = -r2; b <= r2; b++) {
                for (int c = -r3; c <= r3; c++) {
                    out[q++] = a;
                    out[q++] = b;
                    out[q++] = c;
                }
            }
        }
        return out;
    }

    public static int[] box(int[] halfWidths) {
        return box(halfWidths[0], halfWidths[1], halfWidths[2]);
    }

    /** Crystalformer's adaptive half-widths for one cutoff (Å), with the default minimum 2. */
    public static int[] crystalformerHalfWidths(Lattice lattice, double cutoff) {
        return crystalformerHalfWidths(lattice, cutoff, CRYSTALFORMER_MIN_RANGE);
    }

    /** As above with another minimum ({@code minimum_range = false} is minimum 0). */
    public static int[] crystalformerHalfWidths(Lattice lattice, double cutoff, int minimum) {
        double[] recip = reciprocalLengths(lattice); // |b*_k| = |b_k| / 2π
        int[] r = new int[3];
        for (int k = 0; k < 3; k++) {
            float bk = (float) (recip[k] * 2 * Math.PI); // |b_k| with 2π, as the kernel gets it
            float prod = ((float) cutoff + 0.01f) * bk;
            r[k] = Math.max(minimum, (int) Math.ceil(prod / (2.0 * Math.PI)));
        }
        return r;
    }

    /** |b*_k|, the crystallographic reciprocal lengths (1 / plane spacing). */
    public static double[] reciprocalLengths(Lattice lattice) {
        double[][] inv = lattice.inverseMatrix();
        double[] r = new double[3];
        for (int k = 0; k < 3; k++) {
            r[k] = Math.sqrt(inv[0][k] * inv[0][k] + inv[1][k] * inv[1][k] + inv[2][k] * inv[2][k]);
        }
        return r;
    }

    /** A growable int array. */
    private static final class IntBuffer {
        private int[] data = new int[48];
        private int size;

        void add(int a, int b, int c) {
            if (size + 3 > data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            data[size++] = a;
            data[size++] = b;
            data[size++] = c;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
