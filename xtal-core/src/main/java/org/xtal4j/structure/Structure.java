package org.xtal4j.structure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A periodic crystal structure: a lattice and its sites, plus optional per-structure properties
 * (e.g. {@code energy}, {@code stress} from an extended XYZ frame) and per-site arrays (e.g.
 * {@code forces}, one row per site). Immutable.
 *
 * <p>{@code pbc} says along which lattice vectors the structure is periodic; molecules read from
 * extended XYZ without a lattice get a large box with {@code pbc = false}.
 */
public final class Structure {

    /** Avogadro's number times 1e-24 (Å³ → cm³), for densities in g/cm³. */
    private static final double AMU_PER_A3_TO_G_PER_CM3 = 1.66053906660;

    private final Lattice lattice;
    private final List<Site> sites;
    private final boolean[] pbc;
    private final Map<String, Object> properties;
    private final Map<String, double[][]> siteProperties;

    private Structure(Builder b) {
        if (b.lattice == null) {
            throw new IllegalArgumentException("a structure needs a lattice");
        }
        this.lattice = b.lattice;
        this.sites = List.copyOf(b.sites);
        this.pbc = b.pbc.clone();
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(b.properties));
        Map<String, double[][]> sp = new LinkedHashMap<>();
        for (Map.Entry<String, double[][]> e : b.siteProperties.entrySet()) {
            if (e.getValue().length != sites.size()) {
                throw new IllegalArgumentException("site property '" + e.getKey() + "' has " + e.getValue().length
                        + " rows for " + sites.size() + " sites");
            }
            double[][] copy = new double[e.getValue().length][];
            for (int i = 0; i < copy.length; i++) {
                copy[i] = e.getValue()[i].clone();
            }
            sp.put(e.getKey(), copy);
        }
        this.siteProperties = Collections.unmodifiableMap(sp);
    }

    /** A periodic structure from a lattice and sites. */
    public static Structure of(Lattice lattice, List<Site> sites) {
        return builder().lattice(lattice).sites(sites).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with this structure's contents. */
    public Builder toBuilder() {
        Builder b = new Builder().lattice(lattice).sites(sites).pbc(pbc[0], pbc[1], pbc[2]);
        b.properties.putAll(properties);
        b.siteProperties.putAll(siteProperties);
        return b;
    }

    public Lattice lattice() {
        return lattice;
    }

    public List<Site> sites() {
        return sites;
    }

    public Site site(int i) {
        return sites.get(i);
    }

    public int size() {
        return sites.size();
    }

    /** Periodicity along a, b, c (a copy). */
    public boolean[] pbc() {
        return pbc.clone();
    }

    public boolean isFullyPeriodic() {
        return pbc[0] && pbc[1] && pbc[2];
    }

    /** Per-structure properties (energy, stress, source file, ...). */
    public Map<String, Object> properties() {
        return properties;
    }

    /** Per-site arrays (forces, ...), one row per site. */
    public Map<String, double[][]> siteProperties() {
        return siteProperties;
    }

    /** Cartesian coordinates of site i (Å). */
    public double[] cartesian(int i) {
        return lattice.toCartesian(sites.get(i).frac());
    }

    /** All Cartesian coordinates, [n][3]. */
    public double[][] cartesianCoordinates() {
        double[][] r = new double[sites.size()][];
        for (int i = 0; i < r.length; i++) {
            r[i] = cartesian(i);
        }
        return r;
    }

    /** All fractional coordinates, [n][3]. */
    public double[][] fractionalCoordinates() {
        double[][] r = new double[sites.size()][];
        for (int i = 0; i < r.length; i++) {
            r[i] = sites.get(i).frac();
        }
        return r;
    }

    /** Atomic numbers of an ordered structure; throws if any site is disordered. */
    public int[] atomicNumbers() {
        int[] z = new int[sites.size()];
        for (int i = 0; i < z.length; i++) {
            z[i] = sites.get(i).element().z();
        }
        return z;
    }

    /** Every site holds one element with full occupancy. */
    public boolean isOrdered() {
        for (Site s : sites) {
            if (!s.isOrdered()) {
                return false;
            }
        }
        return true;
    }

    public int disorderedSiteCount() {
        int n = 0;
        for (Site s : sites) {
            if (!s.isOrdered()) {
                n++;
            }
        }
        return n;
    }

    /** Occupancy-weighted composition. */
    public Composition composition() {
        Map<Element, Double> amounts = new HashMap<>();
        for (Site s : sites) {
            for (Map.Entry<Element, Double> e : s.species().entrySet()) {
                amounts.merge(e.getKey(), e.getValue(), Double::sum);
            }
        }
        return new Composition(amounts);
    }

    public double volume() {
        return lattice.volume();
    }

    /** Density in g/cm³. */
    public double density() {
        return composition().mass() * AMU_PER_A3_TO_G_PER_CM3 / lattice.volume();
    }

    /** The same sites with fractional coordinates wrapped into [0, 1). */
    public Structure wrapped() {
        List<Site> w = new ArrayList<>(sites.size());
        for (Site s : sites) {
            double[] f = s.frac();
            for (int k = 0; k < 3; k++) {
                f[k] = wrap(f[k]);
            }
            w.add(s.withFrac(f));
        }
        return toBuilder().sites(w).build();
    }

    /** Wraps a fractional coordinate into [0, 1). */
    public static double wrap(double x) {
        double r = x - Math.floor(x);
        return r >= 1.0 ? 0.0 : r;
    }

    @Override
    public String toString() {
        return "Structure(" + composition().formula() + ", " + sites.size() + " sites, " + lattice + ")";
    }

    /** Builder for {@link Structure}. */
    public static final class Builder {
        private Lattice lattice;
        private List<Site> sites = new ArrayList<>();
        private boolean[] pbc = {true, true, true};
        private final Map<String, Object> properties = new LinkedHashMap<>();
        private final Map<String, double[][]> siteProperties = new LinkedHashMap<>();

        public Builder lattice(Lattice l) {
            this.lattice = l;
            return this;
        }

        public Builder sites(List<Site> s) {
            this.sites = new ArrayList<>(s);
            return this;
        }

        public Builder addSite(Site s) {
            this.sites.add(s);
            return this;
        }

        public Builder pbc(boolean a, boolean b, boolean c) {
            this.pbc = new boolean[] {a, b, c};
            return this;
        }

        public Builder property(String key, Object value) {
            this.properties.put(key, value);
            return this;
        }

        public Builder siteProperty(String key, double[][] values) {
            this.siteProperties.put(key, values);
            return this;
        }

        public Builder clearSiteProperties() {
            this.siteProperties.clear();
            return this;
        }

        public Structure build() {
            return new Structure(this);
        }
    }
}
