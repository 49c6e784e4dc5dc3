package org.xtal4j.symmetry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Mat3;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/**
 * Finds a primitive cell by pymatgen's translation search
 * ({@code Structure.get_primitive_structure(tolerance, use_site_props=False)}), not by space-group
 * analysis.
 *
 * <p>Steps, in pymatgen's order: sites are grouped by species string ({@code "Fe"},
 * {@code "Fe:0.500, Mg:0.500"}; groups sorted by that string); candidate translations are the offsets of
 * the least-frequent group from its first site, kept only if every group maps onto itself within a
 * fractional tolerance 2·tol/abc (periodic). Candidate smaller cells are the upper-triangular
 * Hermite normal forms m of each divisor of the number of formula units, smallest index first; a
 * candidate whose rows of m⁻¹ are all candidate translations is accepted when, for every group,
 * sites coincide in the small cell in cliques of exactly det(m) (tolerance tol/|new vector| per
 * axis, never merging sites that are already neighbours within 2·tol in the large cell). Coincident
 * sites are merged by a periodic running average, the search recurses on the smaller cell, and the
 * result is Niggli-reduced. When no smaller cell exists the input is returned unchanged.
 *
 * <p>Known difference: pymatgen groups by species with oxidation state ("Fe2+" and "Fe3+" are
 * different groups); this library's sites have no oxidation states, so such sites are grouped
 * together, which can only give a smaller (more primitive) cell.
 */
public final class PrimitiveCellFinder {

    /** pymatgen's default for {@code get_primitive_structure}. */
    public static final double DEFAULT_TOLERANCE = 0.25;
    /** pymatgen's {@code PrimitiveCellTransformation} default, used by Site-Net. */
    public static final double SITENET_TOLERANCE = 0.5;

    private final double tolerance;
    private final boolean legacyNiggli;

    public PrimitiveCellFinder(double tolerance) {
        this(tolerance, false);
    }

    /**
     * @param legacyNiggli reduce the result as pymatgen 2022.11 does (see
     *     {@link NiggliReduction#reduce(Lattice, double, boolean)}), to reproduce its exact cell
     *     (which can violate b ≤ c); the cell volume and sites are the same either way
     */
    public PrimitiveCellFinder(double tolerance, boolean legacyNiggli) {
        this.legacyNiggli = legacyNiggli;
        if (!(tolerance > 0) || !Double.isFinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be a positive number of Å, got " + tolerance);
        }
        this.tolerance = tolerance;
    }

    public PrimitiveCellFinder() {
        this(DEFAULT_TOLERANCE);
    }

    public static Structure primitive(Structure s) {
        return new PrimitiveCellFinder().find(s);
    }

    public static Structure primitive(Structure s, double tolerance) {
        return new PrimitiveCellFinder(tolerance).find(s);
    }

    public double tolerance() {
        return tolerance;
    }

    /** The most primitive cell found, or {@code s} itself when there is none smaller. */
    public Structure find(Structure s) {
        if (!s.isFullyPeriodic()) {
            throw new IllegalArgumentException("a primitive cell needs a structure periodic in 3D");
        }
        if (s.size() == 0) {
            return s;
        }
        Structure smaller = reduceOnce(s);
        return smaller == null ? s : smaller;
    }

    /** One level of pymatgen's recursion: a Niggli-reduced smaller cell, or null. */
    private Structure reduceOnce(Structure s) {
        int n = s.size();
        // group sites by species string, groups in sorted order, sites in input order
        Map<String, List<Integer>> byLabel = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            byLabel.computeIfAbsent(label(s.site(i)), k -> new ArrayList<>()).add(i);
        }
        List<int[]> groups = new ArrayList<>();
        for (List<Integer> g : byLabel.values()) {
            groups.add(g.stream().mapToInt(Integer::intValue).toArray());
        }
        int numFu = 0;
        for (int[] g : groups) {
            numFu = gcd(numFu, g.length);
        }
        if (numFu <= 1) {
            return null;
        }
        double[][] frac = s.fractionalCoordinates();
        double[] abc = s.lattice().lengths();
        double[] superFtol = {tolerance / abc[0], tolerance / abc[1], tolerance / abc[2]};

        List<double[]> minVecs = candidateTranslations(groups, frac, superFtol);

        // per group: pairs that are already distinct sites in the large cell (never merged)
        List<boolean[][]> nonNeighbours = new ArrayList<>();
        for (int[] g : groups) {
            boolean[][] nn = new boolean[g.length][g.length];
            for (int x = 0; x < g.length; x++) {
                for (int y = 0; y < g.length; y++) {
                    boolean far = x == y;
                    for (int k = 0; k < 3 && !far; k++) {
                        double d = frac[g[y]][k] - frac[g[x]][k];
                        d = Math.abs(d - Math.rint(d));
                        far = d > 2 * superFtol[k];
                    }
                    nn[x][y] = far;
                }
            }
            nonNeighbours.add(nn);
        }

        double[][] latt = s.lattice().matrix();
        for (int det : divisors(numFu)) {
            if (det == 1) {
                continue;
            }
            for (int a : divisors(det)) {
                for (int e : divisors(det / a)) {
                    int g = det / a / e;
                    for (int b = 0; b < a; b++) {
                        for (int c = 0; c < a; c++) {
                            for (int f = 0; f < e; f++) {
                                double[][] m = {{a, b, c}, {0, e, f}, {0, 0, g}};
                                double[][] invM = Mat3.inverse(m);
                                if (!rowsAreTranslations(invM, minVecs, superFtol)) {
                                    continue;
                                }
                                Structure merged = tryCell(s, groups, frac, nonNeighbours, m, invM, latt, det);
                                if (merged != null) {
                                    Structure deeper = reduceOnce(merged);
                                    Structure result = deeper == null ? merged : deeper;
                                    return NiggliReduction.reduce(result, NiggliReduction.DEFAULT_TOLERANCE, legacyNiggli);
                                }
                            }
                        }
                    }
                }
            }
        }
        return null;
    }

    /** Offsets of the smallest group from its first site that map every group onto itself. */
    private static List<double[]> candidateTranslations(List<int[]> groups, double[][] frac, double[] superFtol) {
        int[] smallest = groups.get(0);
        for (int[] g : groups) {
            if (g.length < smallest.length) {
                smallest = g;
            }
        }
        List<double[]> vecs = new ArrayList<>();
        double[] f0 = frac[smallest[0]];
        for (int i : smallest) {
            vecs.add(new double[] {frac[i][0] - f0[0], frac[i][1] - f0[1], frac[i][2] - f0[2]});
        }
        List<int[]> bySize = new ArrayList<>(groups);
        bySize.sort((x, y) -> Integer.compare(x.length, y.length)); // stable, like Python's sorted
        double[] tol2 = {2 * superFtol[0], 2 * superFtol[1], 2 * superFtol[2]};
        for (int[] g : bySize) {
            FracGrid grid = new FracGrid(g, frac, tol2);
            for (int centre : g) {
                double[] fc = frac[centre];
                List<double[]> kept = new ArrayList<>();
                for (double[] v : vecs) {
                    if (grid.hasSiteNear(fc, v, frac, tol2)) {
                        kept.add(v);
                    }
                }
                vecs = kept;
            }
        }
        return vecs;
    }

    /**
     * The sites of one group binned by wrapped fractional coordinates, bins at least tol wide, so
     * that "is there a site x with |(x − f − v) mod 1| &lt; tol on every axis" only looks at the 27
     * bins around f + v instead of the whole group. The test itself is pymatgen's, on the raw
     * coordinates, so the answer is the same as a full scan.
     */
    private static final class FracGrid {
        private final int[] nb = new int[3];
        private final int[] start;
        private final int[] members;

        FracGrid(int[] group, double[][] frac, double[] tol) {
            for (int k = 0; k < 3; k++) {
                nb[k] = (int) Math.max(1, Math.min(1 << 10, Math.floor((1 - 1e-9) / tol[k])));
            }
            while ((long) nb[0] * nb[1] * nb[2] > 4L * group.length + 8) {
                int big = nb[0] >= nb[1] && nb[0] >= nb[2] ? 0 : (nb[1] >= nb[2] ? 1 : 2);
                nb[big] = Math.max(1, nb[big] / 2);
            }
            int cells = nb[0] * nb[1] * nb[2];
            start = new int[cells + 1];
            int[] cellOf = new int[group.length];
            for (int q = 0; q < group.length; q++) {
                double[] f = frac[group[q]];
                cellOf[q] = cell(bin(f[0], 0), bin(f[1], 1), bin(f[2], 2));
                start[cellOf[q] + 1]++;
            }
            for (int c = 0; c < cells; c++) {
                start[c + 1] += start[c];
            }
            members = new int[group.length];
            int[] fill = java.util.Arrays.copyOf(start, cells);
            for (int q = 0; q < group.length; q++) {
                members[fill[cellOf[q]]++] = group[q];
            }
        }

        private int bin(double x, int k) {
            double w = x - Math.floor(x);
            return Math.min(nb[k] - 1, (int) (w * nb[k]));
        }

        private int cell(int b0, int b1, int b2) {
            return (b0 * nb[1] + b1) * nb[2] + b2;
        }

        boolean hasSiteNear(double[] fc, double[] v, double[][] frac, double[] tol) {
            int[] b = {bin(fc[0] + v[0], 0), bin(fc[1] + v[1], 1), bin(fc[2] + v[2], 2)};
            int[][] range = new int[3][];
            for (int k = 0; k < 3; k++) {
                if (nb[k] <= 3) {
                    range[k] = new int[nb[k]];
                    for (int t = 0; t < nb[k]; t++) {
                        range[k][t] = t;
                    }
                } else {
                    range[k] = new int[] {(b[k] + nb[k] - 1) % nb[k], b[k], (b[k] + 1) % nb[k]};
                }
            }
            for (int c0 : range[0]) {
                for (int c1 : range[1]) {
                    for (int c2 : range[2]) {
                        int cell = cell(c0, c1, c2);
                        for (int q = start[cell]; q < start[cell + 1]; q++) {
                            double[] x = frac[members[q]];
                            boolean close = true;
                            for (int k = 0; k < 3 && close; k++) {
                                double d = v[k] - (x[k] - fc[k]);
                                d = Math.abs(d - Math.rint(d));
                                close = d < tol[k];
                            }
                            if (close) {
                                return true;
                            }
                        }
                    }
                }
            }
            return false;
        }
    }

    private static boolean rowsAreTranslations(double[][] invM, List<double[]> vecs, double[] ftol) {
        for (double[] row : invM) {
            boolean any = false;
            for (double[] v : vecs) {
                boolean close = true;
                for (int k = 0; k < 3 && close; k++) {
                    double d = row[k] - v[k];
                    d = Math.abs(d - Math.rint(d));
                    close = d < ftol[k];
                }
                if (close) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    /** The merged structure in the cell m⁻¹·L, or null when the sites do not coincide properly. */
    private Structure tryCell(Structure s, List<int[]> groups, double[][] frac, List<boolean[][]> nonNeighbours,
            double[][] m, double[][] invM, double[][] latt, int size) {
        double[][] newLatt = Mat3.mul(invM, latt);
        double[] ftol = new double[3];
        for (int k = 0; k < 3; k++) {
            ftol[k] = tolerance / Math.sqrt(newLatt[k][0] * newLatt[k][0] + newLatt[k][1] * newLatt[k][1]
                    + newLatt[k][2] * newLatt[k][2]);
        }
        List<Site> newSites = new ArrayList<>();
        List<Integer> sourceIndex = new ArrayList<>();
        for (int gi = 0; gi < groups.size(); gi++) {
            int[] g = groups.get(gi);
            boolean[][] nn = nonNeighbours.get(gi);
            int len = g.length;
            double[][] all = new double[len][];
            for (int x = 0; x < len; x++) {
                all[x] = Mat3.mulVec(frac[g[x]], m);
            }
            boolean[][] same = new boolean[len][len];
            for (int x = 0; x < len; x++) {
                for (int y = 0; y < len; y++) {
                    boolean close = true;
                    for (int k = 0; k < 3 && close; k++) {
                        double d = all[y][k] - all[x][k];
                        close = Math.abs(d - Math.rint(d)) < ftol[k];
                    }
                    same[x][y] = close && nn[x][y];
                }
            }
            // every site must coincide with exactly `size` sites (column sums), in cliques
            for (int y = 0; y < len; y++) {
                int count = 0;
                for (int x = 0; x < len; x++) {
                    if (same[x][y]) {
                        count++;
                    }
                }
                if (count != size) {
                    return null;
                }
            }
            for (int x = 0; x < len; x++) {
                for (int p = 0; p < len; p++) {
                    if (!same[x][p]) {
                        continue;
                    }
                    for (int q = 0; q < len; q++) {
                        if (same[x][q] && !same[p][q]) {
                            return null;
                        }
                    }
                }
            }
            boolean[] added = new boolean[len];
            for (int x = 0; x < len; x++) {
                if (added[x]) {
                    continue;
                }
                double[] coords = null;
                int members = 0;
                for (int y = 0; y < len; y++) {
                    if (!same[x][y]) {
                        continue;
                    }
                    added[y] = true;
                    double[] fy = {mod1(all[y][0]), mod1(all[y][1]), mod1(all[y][2])};
                    if (coords == null) {
                        coords = fy;
                        members = 1;
                        continue;
                    }
                    for (int k = 0; k < 3; k++) {
                        double off = fy[k] - coords[k];
                        coords[k] += (off - Math.rint(off)) / (members + 1);
                    }
                    members++;
                }
                int first = firstTrue(same[x]);
                newSites.add(s.site(g[first]).withFrac(coords));
                sourceIndex.add(g[first]);
            }
        }
        Structure.Builder b = s.toBuilder().lattice(Lattice.fromMatrix(newLatt)).sites(newSites).clearSiteProperties();
        Map<String, double[][]> props = new LinkedHashMap<>();
        for (Map.Entry<String, double[][]> e : s.siteProperties().entrySet()) {
            double[][] rows = new double[sourceIndex.size()][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = e.getValue()[sourceIndex.get(i)];
            }
            props.put(e.getKey(), rows);
        }
        props.forEach(b::siteProperty);
        return b.build();
    }

    /**
     * pymatgen's {@code species_string}: the symbol of an ordered site, else "A:0.500, B:0.500"
     * with occupancies to 3 decimals, so occupancies equal to 3 decimals fall in one group.
     */
    static String label(Site site) {
        if (site.isOrdered()) {
            return site.element().symbol();
        }
        StringBuilder sb = new StringBuilder();
        site.species().entrySet().stream()
                .sorted(Map.Entry.comparingByKey((x, y) -> x.symbol().compareTo(y.symbol())))
                .forEach(e -> sb.append(sb.length() > 0 ? ", " : "").append(e.getKey().symbol())
                        .append(String.format(java.util.Locale.ROOT, ":%.3f", e.getValue())));
        return sb.toString();
    }

    private static int firstTrue(boolean[] row) {
        for (int i = 0; i < row.length; i++) {
            if (row[i]) {
                return i;
            }
        }
        throw new IllegalStateException("empty site group");
    }

    /** Python's float {@code x % 1}. */
    private static double mod1(double x) {
        return x - Math.floor(x);
    }

    private static List<Integer> divisors(int n) {
        List<Integer> d = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            if (n % i == 0) {
                d.add(i);
            }
        }
        return d;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? Math.abs(a) : gcd(b, a % b);
    }
}
