package org.xtal4j.geometry;

import java.util.Arrays;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/**
 * The two neighbour-search algorithms behind {@link NeighbourList}. Both work on coordinates
 * wrapped into [0, 1) along periodic axes (remembering the integer offsets, so that the returned S
 * refers to the caller's coordinates) and only propose candidates, with a small margin on the
 * cutoff; the final test |r_ij| &lt; cutoff and the stored vectors are computed once, in
 * {@link Edges#flushCentre}, so both algorithms give bit-identical lists.
 */
final class NeighbourSearch {

    /** Candidate margin (Å) so that rounding in the search never drops a pair. */
    private static final double MARGIN = 1e-6;
    /** Shifts are packed in 3 × 13 bits of a sort key, the neighbour index in the upper 24 bits. */
    private static final int SHIFT_BITS = 13;
    private static final int SHIFT_OFFSET = 1 << (SHIFT_BITS - 1);
    private static final long SHIFT_MASK = (1L << SHIFT_BITS) - 1;
    private static final int MAX_SITES = 1 << 24;
    /** Cells per cutoff length: 1 (27 cells of thickness ≥ cutoff) measured faster than 2 or 3: per-cell overhead dominates. */
    private static final int CELLS_PER_CUTOFF = 1;

    private NeighbourSearch() {
    }

    static NeighbourList run(Structure s, double cutoff, boolean cellList) {
        if (!(cutoff > 0) || !Double.isFinite(cutoff)) {
            throw new IllegalArgumentException("cutoff must be a positive number of Å, got " + cutoff);
        }
        int n = s.size();
        if (n >= MAX_SITES) {
            throw new IllegalArgumentException("too many sites for a neighbour list: " + n);
        }
        Frame fr = new Frame(s, cutoff + MARGIN);
        Edges edges = new Edges(fr, cutoff, s.isFullyPeriodic() ? s.volume() : Double.POSITIVE_INFINITY);
        if (cellList) {
            cellList(fr, edges);
        } else {
            bruteForce(fr, edges);
        }
        return edges.build();
    }

    // ---------------------------------------------------------------- all pairs

    private static void bruteForce(Frame fr, Edges edges) {
        int n = fr.n;
        double rc = fr.searchCutoff;
        double rc2 = rc * rc;
        double[] w = fr.wrapped;
        double[] c = fr.cart;
        double[] m = fr.m;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double du0 = w[3 * j] - w[3 * i];
                double du1 = w[3 * j + 1] - w[3 * i + 1];
                double du2 = w[3 * j + 2] - w[3 * i + 2];
                // exact image range per axis: |du_k + n_k| <= rc·|b*_k|
                int lo0 = fr.pbc[0] ? ceil(-fr.reach[0] - du0) : 0;
                int hi0 = fr.pbc[0] ? floor(fr.reach[0] - du0) : 0;
                int lo1 = fr.pbc[1] ? ceil(-fr.reach[1] - du1) : 0;
                int hi1 = fr.pbc[1] ? floor(fr.reach[1] - du1) : 0;
                int lo2 = fr.pbc[2] ? ceil(-fr.reach[2] - du2) : 0;
                int hi2 = fr.pbc[2] ? floor(fr.reach[2] - du2) : 0;
                double dx = c[3 * j] - c[3 * i];
                double dy = c[3 * j + 1] - c[3 * i + 1];
                double dz = c[3 * j + 2] - c[3 * i + 2];
                for (int a = lo0; a <= hi0; a++) {
                    double x0 = dx + a * m[0];
                    double y0 = dy + a * m[1];
                    double z0 = dz + a * m[2];
                    for (int b = lo1; b <= hi1; b++) {
                        double x1 = x0 + b * m[3];
                        double y1 = y0 + b * m[4];
                        double z1 = z0 + b * m[5];
                        for (int k = lo2; k <= hi2; k++) {
                            double x = x1 + k * m[6];
                            double y = y1 + k * m[7];
                            double z = z1 + k * m[8];
                            if (x * x + y * y + z * z < rc2 && (i != j || a != 0 || b != 0 || k != 0)) {
                                edges.add(j, a, b, k);
                            }
                        }
                    }
                }
            }
            edges.flushCentre(i);
        }
    }

    // ---------------------------------------------------------------- cell list

    private static void cellList(Frame fr, Edges edges) {
        int n = fr.n;
        double rc = fr.searchCutoff;
        double rc2 = rc * rc;
        double[] w = fr.wrapped;
        double[] c = fr.cart;
        double[] m = fr.m;
        // cell counts: cells at least rc / CELLS_PER_CUTOFF thick (in Å, perpendicular to the faces)
        int[] nb = new int[3];
        double[] lo = new double[3];
        double[] width = new double[3];
        int[] reach = new int[3];
        for (int k = 0; k < 3; k++) {
            double extent = 1;
            lo[k] = 0;
            if (!fr.pbc[k]) {
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    min = Math.min(min, w[3 * i + k]);
                    max = Math.max(max, w[3 * i + k]);
                }
                lo[k] = min;
                extent = max - min;
            }
            double thickness = extent / fr.recip[k]; // Å between the faces
            nb[k] = (int) Math.max(1, Math.min(1 << 20, Math.floor(thickness * CELLS_PER_CUTOFF / rc)));
        }
        // keep the number of cells in proportion to the number of sites (sparse or huge cells)
        long limit = 4L * n + 64;
        while ((long) nb[0] * nb[1] * nb[2] > limit) {
            int big = nb[0] >= nb[1] && nb[0] >= nb[2] ? 0 : (nb[1] >= nb[2] ? 1 : 2);
            nb[big] = Math.max(1, nb[big] / 2);
        }
        for (int k = 0; k < 3; k++) {
            double extent = fr.pbc[k] ? 1 : 0;
            if (!fr.pbc[k]) {
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    max = Math.max(max, w[3 * i + k]);
                }
                extent = max - lo[k];
            }
            width[k] = extent > 0 ? extent / nb[k] : 1;
            reach[k] = ceil(fr.reach[k] / width[k]);
        }
        int cells = nb[0] * nb[1] * nb[2];
        int[] cellOf = new int[n];
        int[] cellIdx = new int[3 * n];
        int[] start = new int[cells + 1];
        for (int i = 0; i < n; i++) {
            int id = 0;
            for (int k = 0; k < 3; k++) {
                int b = floor((w[3 * i + k] - lo[k]) / width[k]);
                b = Math.max(0, Math.min(nb[k] - 1, b));
                cellIdx[3 * i + k] = b;
                id = id * nb[k] + b;
            }
            cellOf[i] = id;
            start[id + 1]++;
        }
        for (int q = 0; q < cells; q++) {
            start[q + 1] += start[q];
        }
        // members of each cell, and their coordinates in the same order (contiguous reads)
        int[] members = new int[n];
        int[] fill = Arrays.copyOf(start, cells);
        for (int i = 0; i < n; i++) {
            members[fill[cellOf[i]]++] = i;
        }
        double[] xs = new double[n];
        double[] ys = new double[n];
        double[] zs = new double[n];
        for (int q = 0; q < n; q++) {
            int j = members[q];
            xs[q] = c[3 * j];
            ys[q] = c[3 * j + 1];
            zs[q] = c[3 * j + 2];
        }
        // per axis: cell index b + d (d in [-reach, reach]) → wrapped cell and image shift, or -1
        int[][] wrapCell = new int[3][];
        int[][] wrapShift = new int[3][];
        for (int k = 0; k < 3; k++) {
            int span = nb[k] + 2 * reach[k];
            wrapCell[k] = new int[span];
            wrapShift[k] = new int[span];
            for (int t = 0; t < span; t++) {
                int x = t - reach[k];
                if (fr.pbc[k]) {
                    wrapShift[k][t] = Math.floorDiv(x, nb[k]);
                    wrapCell[k][t] = Math.floorMod(x, nb[k]);
                } else {
                    wrapCell[k][t] = x >= 0 && x < nb[k] ? x : -1;
                }
            }
        }
        int[] wc0 = wrapCell[0];
        int[] wc1 = wrapCell[1];
        int[] wc2 = wrapCell[2];
        int[] ws0 = wrapShift[0];
        int[] ws1 = wrapShift[1];
        int[] ws2 = wrapShift[2];
        int nb1 = nb[1];
        int nb2 = nb[2];
        for (int i = 0; i < n; i++) {
            double cx = c[3 * i];
            double cy = c[3 * i + 1];
            double cz = c[3 * i + 2];
            int b0 = cellIdx[3 * i];
            int b1 = cellIdx[3 * i + 1];
            int b2 = cellIdx[3 * i + 2];
            for (int t0 = b0; t0 <= b0 + 2 * reach[0]; t0++) {
                int c0 = wc0[t0];
                if (c0 < 0) {
                    continue;
                }
                int s0 = ws0[t0];
                for (int t1 = b1; t1 <= b1 + 2 * reach[1]; t1++) {
                    int c1 = wc1[t1];
                    if (c1 < 0) {
                        continue;
                    }
                    int s1 = ws1[t1];
                    double ox = s0 * m[0] + s1 * m[3] - cx;
                    double oy = s0 * m[1] + s1 * m[4] - cy;
                    double oz = s0 * m[2] + s1 * m[5] - cz;
                    int row = (c0 * nb1 + c1) * nb2;
                    for (int t2 = b2; t2 <= b2 + 2 * reach[2]; t2++) {
                        int c2 = wc2[t2];
                        if (c2 < 0) {
                            continue;
                        }
                        int s2 = ws2[t2];
                        double px = ox + s2 * m[6];
                        double py = oy + s2 * m[7];
                        double pz = oz + s2 * m[8];
                        boolean zero = s0 == 0 && s1 == 0 && s2 == 0;
                        int cell = row + c2;
                        for (int q = start[cell], end = start[cell + 1]; q < end; q++) {
                            double x = xs[q] + px;
                            double y = ys[q] + py;
                            double z = zs[q] + pz;
                            if (x * x + y * y + z * z < rc2) {
                                int j = members[q];
                                if (j != i || !zero) {
                                    edges.add(j, s0, s1, s2);
                                }
                            }
                        }
                    }
                }
            }
            edges.flushCentre(i);
        }
    }

    // ---------------------------------------------------------------- shared state

    /** Wrapped coordinates, their integer offsets, and the reach of the cutoff per axis. */
    static final class Frame {
        final int n;
        final boolean[] pbc;
        final double[] m = new double[9];       // lattice rows, flat
        final double[] wrapped;                 // 3 per site, [0,1) on periodic axes
        final int[] offset;                     // 3 per site: original = wrapped + offset
        final double[] cart;                    // Cartesian of the wrapped coordinates
        final double[] original;                // Cartesian of the caller's coordinates
        final double[] recip = new double[3];   // |b*_k|
        final double[] reach = new double[3];   // searchCutoff·|b*_k|
        final double searchCutoff;
        final boolean anyOffset;                // some coordinate was outside [0, 1)

        Frame(Structure s, double searchCutoff) {
            this.n = s.size();
            this.pbc = s.pbc();
            this.searchCutoff = searchCutoff;
            Lattice l = s.lattice();
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    m[3 * i + j] = l.get(i, j);
                }
            }
            double[][] inv = l.inverseMatrix();
            for (int k = 0; k < 3; k++) {
                recip[k] = Math.sqrt(inv[0][k] * inv[0][k] + inv[1][k] * inv[1][k] + inv[2][k] * inv[2][k]);
                reach[k] = searchCutoff * recip[k];
            }
            wrapped = new double[3 * n];
            offset = new int[3 * n];
            cart = new double[3 * n];
            original = new double[3 * n];
            boolean any = false;
            for (int i = 0; i < n; i++) {
                Site site = s.site(i);
                double[] f = new double[3];
                double[] g = new double[3];
                for (int k = 0; k < 3; k++) {
                    f[k] = site.frac(k);
                    double fl = pbc[k] ? Math.floor(f[k]) : 0;
                    if (Math.abs(fl) > 1e9) {
                        throw new IllegalArgumentException("fractional coordinate out of range at site " + i);
                    }
                    g[k] = f[k] - fl;
                    if (g[k] >= 1) { // f slightly below an integer
                        g[k] = 0;
                        fl += 1;
                    }
                    offset[3 * i + k] = (int) fl;
                    any |= fl != 0;
                    wrapped[3 * i + k] = g[k];
                }
                for (int k = 0; k < 3; k++) {
                    cart[3 * i + k] = g[0] * m[k] + g[1] * m[3 + k] + g[2] * m[6 + k];
                    original[3 * i + k] = f[0] * m[k] + f[1] * m[3 + k] + f[2] * m[6 + k];
                }
            }
            anyOffset = any;
        }
    }

    /**
     * Collects candidate (j, S_wrapped) per centre as sort keys, then turns them into final edges:
     * S in the caller's frame, the vector r_j + S·L − r_i, and the strict cutoff test.
     */
    static final class Edges {
        private final Frame fr;
        private final double cutoff2;
        private final double cutoff;
        private long[] pending = new long[64];
        private int pendingCount;
        private int[] centre;
        private int[] neighbour;
        private int[] shift;
        private double[] distance;
        private double[] vector;
        private int size;
        private final int[] offsets;

        Edges(Frame fr, double cutoff, double volume) {
            this.fr = fr;
            this.cutoff = cutoff;
            this.cutoff2 = cutoff * cutoff;
            this.offsets = new int[fr.n + 1];
            // expected edges for a homogeneous periodic cell, so the arrays rarely grow
            double expected = (double) fr.n * fr.n / volume * 4.0 / 3 * Math.PI * cutoff * cutoff * cutoff;
            int cap = (int) Math.min(1 << 26, Math.max(1024, 1.15 * expected));
            centre = new int[cap];
            neighbour = new int[cap];
            shift = new int[3 * cap];
            distance = new double[cap];
            vector = new double[3 * cap];
        }

        void add(int j, int s0, int s1, int s2) {
            if (pendingCount == pending.length) {
                pending = Arrays.copyOf(pending, pending.length * 2);
            }
            pending[pendingCount++] = ((long) j << (3 * SHIFT_BITS)) | pack(s0, 2 * SHIFT_BITS)
                    | pack(s1, SHIFT_BITS) | pack(s2, 0);
        }

        private static long pack(int v, int at) {
            int u = v + SHIFT_OFFSET;
            if (u < 0 || u > SHIFT_MASK) {
                throw new IllegalArgumentException("image shift " + v + " too large: the cutoff is far larger than the cell");
            }
            return (long) u << at;
        }

        /** Finishes centre i: converts, filters and stores its edges in canonical order. */
        void flushCentre(int i) {
            int[] off = fr.offset;
            double[] m = fr.m;
            double[] r = fr.original;
            // convert to the caller's frame first (S = S_w − o_j + o_i), then sort
            for (int q = 0; q < pendingCount && fr.anyOffset; q++) {
                long key = pending[q];
                int j = (int) (key >>> (3 * SHIFT_BITS));
                int s0 = unpack(key, 2 * SHIFT_BITS) - off[3 * j] + off[3 * i];
                int s1 = unpack(key, SHIFT_BITS) - off[3 * j + 1] + off[3 * i + 1];
                int s2 = unpack(key, 0) - off[3 * j + 2] + off[3 * i + 2];
                pending[q] = ((long) j << (3 * SHIFT_BITS)) | pack(s0, 2 * SHIFT_BITS) | pack(s1, SHIFT_BITS)
                        | pack(s2, 0);
            }
            Arrays.sort(pending, 0, pendingCount);
            for (int q = 0; q < pendingCount; q++) {
                long key = pending[q];
                int j = (int) (key >>> (3 * SHIFT_BITS));
                int s0 = unpack(key, 2 * SHIFT_BITS);
                int s1 = unpack(key, SHIFT_BITS);
                int s2 = unpack(key, 0);
                double x = r[3 * j] - r[3 * i] + s0 * m[0] + s1 * m[3] + s2 * m[6];
                double y = r[3 * j + 1] - r[3 * i + 1] + s0 * m[1] + s1 * m[4] + s2 * m[7];
                double z = r[3 * j + 2] - r[3 * i + 2] + s0 * m[2] + s1 * m[5] + s2 * m[8];
                double d2 = x * x + y * y + z * z;
                if (!(d2 < cutoff2)) {
                    continue;
                }
                ensure(size + 1);
                centre[size] = i;
                neighbour[size] = j;
                shift[3 * size] = s0;
                shift[3 * size + 1] = s1;
                shift[3 * size + 2] = s2;
                distance[size] = Math.sqrt(d2);
                vector[3 * size] = x;
                vector[3 * size + 1] = y;
                vector[3 * size + 2] = z;
                size++;
            }
            pendingCount = 0;
            offsets[i + 1] = size;
        }

        private static int unpack(long key, int at) {
            return (int) ((key >>> at) & SHIFT_MASK) - SHIFT_OFFSET;
        }

        private void ensure(int need) {
            if (need <= centre.length) {
                return;
            }
            int cap = Math.max(need, centre.length * 2);
            centre = Arrays.copyOf(centre, cap);
            neighbour = Arrays.copyOf(neighbour, cap);
            shift = Arrays.copyOf(shift, 3 * cap);
            distance = Arrays.copyOf(distance, cap);
            vector = Arrays.copyOf(vector, 3 * cap);
        }

        /**
         * Reverse edges without searching: edges are sorted by (centre, neighbour, S), so the block
         * of edges i→j and the block j→i have the same length and opposite order (−S reverses the
         * lexicographic order). Walking centres in increasing order, the next unmatched block of
         * centre j (j &gt; i) is always j→i, so a cursor per centre finds it.
         */
        NeighbourList build() {
            int n = fr.n;
            int[] reverse = new int[size];
            int[] cursor = Arrays.copyOf(offsets, n);
            for (int i = 0; i < n; i++) {
                int end = offsets[i + 1];
                int e = offsets[i];
                while (e < end) {
                    int j = neighbour[e];
                    int blockEnd = e + 1;
                    while (blockEnd < end && neighbour[blockEnd] == j) {
                        blockEnd++;
                    }
                    int len = blockEnd - e;
                    if (j == i) {
                        for (int k = 0; k < len; k++) {
                            reverse[e + k] = e + len - 1 - k;
                        }
                    } else if (j > i) {
                        int r = cursor[j];
                        cursor[j] += len;
                        for (int k = 0; k < len; k++) {
                            reverse[e + k] = r + len - 1 - k;
                            reverse[r + len - 1 - k] = e + k;
                        }
                    }
                    e = blockEnd;
                }
            }
            for (int e = 0; e < size; e++) { // cheap proof that every pairing is right
                int r = reverse[e];
                if (r < 0 || r >= size || centre[r] != neighbour[e] || neighbour[r] != centre[e]
                        || shift[3 * r] != -shift[3 * e] || shift[3 * r + 1] != -shift[3 * e + 1]
                        || shift[3 * r + 2] != -shift[3 * e + 2]) {
                    // |r_ji| equals |r_ij| bit for bit by construction, so this would be a bug
                    throw new IllegalStateException("edge " + centre[e] + "→" + neighbour[e] + " has no reverse edge");
                }
            }
            return new NeighbourList(fr.n, cutoff, offsets, Arrays.copyOf(centre, size), Arrays.copyOf(neighbour, size),
                    Arrays.copyOf(shift, 3 * size), Arrays.copyOf(distance, size), Arrays.copyOf(vector, 3 * size),
                    reverse);
        }
    }

    /** floor as an int without going through StrictMath (not intrinsic on every JVM); |x| < 2^31. */
    static int floor(double x) {
        int i = (int) x;
        return x < i ? i - 1 : i;
    }

    static int ceil(double x) {
        int i = (int) x;
        return x > i ? i + 1 : i;
    }
}
