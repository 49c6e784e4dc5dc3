package org.xtal4j.symmetry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xtal4j.structure.Element;

/**
 * Expands an asymmetric unit to the full (P1) cell the way pymatgen's
 * {@code CifParser.get_structures(primitive=False)} does, so that site counts and mixed sites match it:
 * <ol>
 *   <li>coordinates within relative 1e-4 of 1/3 or 2/3 are snapped to the exact fraction first;</li>
 *   <li>an asymmetric atom that some operation maps onto an earlier atom's position (within the
 *       tolerance, per fractional component, periodic) is merged into that position: its species
 *       and occupancy are added, which gives mixed sites;</li>
 *   <li>positions with equal composition (within 1e-8) form one group, and each group's orbits are
 *       generated together, keeping the first of any images that coincide within the tolerance.</li>
 * </ol>
 * Occupancies are not checked here: the caller decides what to do with a merged site whose
 * occupancies add up to more than 1. Duplicate detection uses a periodic hash grid, so large cells
 * cost O(n · operations), not O(n²).
 */
public final class SymmetryExpander {

    /** pymatgen's default {@code site_tolerance}: 1e-4 in fractional units, per component. */
    public static final double DEFAULT_TOLERANCE = 1e-4;

    private static final double COMPOSITION_TOLERANCE = 1e-8;
    private static final double SNAP_TOLERANCE = 1e-4;

    /**
     * One atom of the asymmetric unit.
     *
     * @param element the element
     * @param occupancy occupancy in (0, ∞); values above 1 are reported by the caller
     * @param frac fractional coordinates, not necessarily wrapped
     * @param label the atom's label (for messages)
     */
    public record Atom(Element element, double occupancy, double[] frac, String label) {
    }

    /**
     * One site of the expanded cell.
     *
     * @param species elements and their summed occupancies (may exceed 1 in total)
     * @param frac fractional coordinates in [0, 1)
     * @param atoms indices of the asymmetric atoms merged into this position
     */
    public record ExpandedSite(Map<Element, Double> species, double[] frac, List<Integer> atoms) {

        /** Sum of the occupancies. */
        public double totalOccupancy() {
            double t = 0;
            for (double v : species.values()) {
                t += v;
            }
            return t;
        }
    }

    private final List<SymmetryOperation> operations;
    private final double tolerance;

    public SymmetryExpander(List<SymmetryOperation> operations) {
        this(operations, DEFAULT_TOLERANCE);
    }

    public SymmetryExpander(List<SymmetryOperation> operations, double tolerance) {
        if (operations.isEmpty()) {
            throw new IllegalArgumentException("at least one symmetry operation is needed");
        }
        if (!(tolerance > 0 && tolerance < 0.25)) {
            throw new IllegalArgumentException("tolerance must be in (0, 0.25), got " + tolerance);
        }
        this.operations = List.copyOf(operations);
        this.tolerance = tolerance;
    }

    /** Expands the atoms; the result's order follows the first appearance of each composition. */
    public List<ExpandedSite> expand(List<Atom> atoms) {
        // 1. merge asymmetric atoms that land on an earlier position
        List<double[]> keys = new ArrayList<>();
        List<Map<Element, Double>> species = new ArrayList<>();
        List<List<Integer>> sources = new ArrayList<>();
        PeriodicGrid keyGrid = new PeriodicGrid(tolerance);
        for (int i = 0; i < atoms.size(); i++) {
            Atom a = atoms.get(i);
            double[] f = snapThirds(a.frac());
            int match = -1;
            for (SymmetryOperation op : operations) {
                match = keyGrid.firstWithin(op.apply(f), keys);
                if (match >= 0) {
                    break;
                }
            }
            if (match >= 0) {
                species.get(match).merge(a.element(), a.occupancy(), Double::sum);
                sources.get(match).add(i);
            } else {
                keyGrid.add(f, keys.size());
                keys.add(f);
                Map<Element, Double> sp = new LinkedHashMap<>();
                sp.put(a.element(), a.occupancy());
                species.add(sp);
                List<Integer> src = new ArrayList<>();
                src.add(i);
                sources.add(src);
            }
        }
        // 2. group positions by composition
        List<List<Integer>> groups = new ArrayList<>();
        for (int k = 0; k < keys.size(); k++) {
            List<Integer> home = null;
            for (List<Integer> g : groups) {
                if (sameComposition(species.get(g.get(0)), species.get(k))) {
                    home = g;
                    break;
                }
            }
            if (home == null) {
                home = new ArrayList<>();
                groups.add(home);
            }
            home.add(k);
        }
        // 3. orbits of each group, de-duplicated within the group
        List<ExpandedSite> out = new ArrayList<>();
        for (List<Integer> g : groups) {
            PeriodicGrid grid = new PeriodicGrid(tolerance);
            List<double[]> coords = new ArrayList<>();
            for (int k : g) {
                for (SymmetryOperation op : operations) {
                    double[] c = op.apply(keys.get(k));
                    for (int d = 0; d < 3; d++) {
                        c[d] = wrap(c[d]);
                    }
                    if (grid.firstWithin(c, coords) < 0) {
                        grid.add(c, coords.size());
                        coords.add(c);
                        out.add(new ExpandedSite(species.get(k), c, sources.get(k)));
                    }
                }
            }
        }
        List<ExpandedSite> frozen = new ArrayList<>(out.size());
        for (ExpandedSite s : out) {
            frozen.add(new ExpandedSite(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(s.species())),
                    s.frac(), List.copyOf(s.atoms())));
        }
        return frozen;
    }

    /** pymatgen's rule: a coordinate within relative 1e-4 of 1/3 or 2/3 becomes exactly that. */
    static double[] snapThirds(double[] f) {
        double[] out = f.clone();
        for (int d = 0; d < 3; d++) {
            for (double third : new double[] {1.0 / 3, 2.0 / 3}) {
                if (Math.abs(1 - out[d] / third) < SNAP_TOLERANCE) {
                    out[d] = third;
                }
            }
        }
        return out;
    }

    private static boolean sameComposition(Map<Element, Double> a, Map<Element, Double> b) {
        for (Map.Entry<Element, Double> e : a.entrySet()) {
            if (Math.abs(e.getValue() - b.getOrDefault(e.getKey(), 0.0)) >= COMPOSITION_TOLERANCE) {
                return false;
            }
        }
        for (Map.Entry<Element, Double> e : b.entrySet()) {
            if (!a.containsKey(e.getKey()) && Math.abs(e.getValue()) >= COMPOSITION_TOLERANCE) {
                return false;
            }
        }
        return true;
    }

    /** Wraps into [0, 1). */
    static double wrap(double x) {
        double r = x - Math.floor(x);
        return r >= 1.0 ? 0.0 : r;
    }

    /** Points in the unit cell bucketed into cells at least as wide as the tolerance. */
    private static final class PeriodicGrid {
        private final double tol;
        private final int n;
        private final Map<Long, List<Integer>> cells = new HashMap<>();

        PeriodicGrid(double tol) {
            this.tol = tol;
            this.n = (int) Math.max(1, Math.min(1000, Math.floor(1.0 / tol)));
        }

        private int cell(double x) {
            int i = (int) Math.floor(wrap(x) * n);
            return Math.min(Math.max(i, 0), n - 1);
        }

        private long key(int i, int j, int k) {
            return ((long) i * n + j) * n + k;
        }

        void add(double[] f, int index) {
            cells.computeIfAbsent(key(cell(f[0]), cell(f[1]), cell(f[2])), x -> new ArrayList<>()).add(index);
        }

        /** Smallest index of a stored point within the tolerance of f (periodic), or -1. */
        int firstWithin(double[] f, List<double[]> points) {
            int[] di = candidates(f[0]);
            int[] dj = candidates(f[1]);
            int[] dk = candidates(f[2]);
            int best = -1;
            for (int i : di) {
                for (int j : dj) {
                    for (int k : dk) {
                        List<Integer> bucket = cells.get(key(i, j, k));
                        if (bucket == null) {
                            continue;
                        }
                        for (int idx : bucket) {
                            if ((best < 0 || idx < best) && close(f, points.get(idx))) {
                                best = idx;
                            }
                        }
                    }
                }
            }
            return best;
        }

        /** The cell of x, plus a neighbour cell only when x is within the tolerance of that border. */
        private int[] candidates(double x) {
            int c = cell(x);
            if (n < 3) {
                return n == 1 ? new int[] {0} : new int[] {0, 1};
            }
            double scaled = wrap(x) * n;
            boolean low = scaled - c < tol * n + 1e-9;
            boolean high = c + 1 - scaled < tol * n + 1e-9;
            int lo = (c + n - 1) % n;
            int hi = (c + 1) % n;
            if (low && high) {
                return new int[] {lo, c, hi};
            }
            if (low) {
                return new int[] {lo, c};
            }
            if (high) {
                return new int[] {c, hi};
            }
            return new int[] {c};
        }

        private boolean close(double[] a, double[] b) {
            for (int d = 0; d < 3; d++) {
                double diff = a[d] - b[d];
                diff -= Math.rint(diff);
                if (!(Math.abs(diff) < tol)) {
                    return false;
                }
            }
            return true;
        }
    }
}
