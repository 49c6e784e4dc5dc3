package org.xtal4j.structure;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One crystallographic site: its species with occupancies and its fractional coordinates.
 * An ordered site has one element with occupancy 1. Immutable.
 */
public final class Site {

    /** Occupancies within this of 1 count as full. */
    public static final double OCCUPANCY_TOLERANCE = 1e-8;

    private final Map<Element, Double> species;
    private final double[] frac;
    private final String label;

    public Site(Map<Element, Double> species, double[] frac, String label) {
        if (species.isEmpty()) {
            throw new IllegalArgumentException("a site needs at least one species");
        }
        double total = 0;
        for (Map.Entry<Element, Double> e : species.entrySet()) {
            double occ = e.getValue();
            if (!(occ > 0) || !Double.isFinite(occ)) {
                throw new IllegalArgumentException("occupancy of " + e.getKey() + " must be positive, got " + occ);
            }
            total += occ;
        }
        if (total > 1 + OCCUPANCY_TOLERANCE) {
            throw new IllegalArgumentException(String.format("occupancies at one site add up to %.6g > 1", total));
        }
        if (frac.length != 3 || !Double.isFinite(frac[0]) || !Double.isFinite(frac[1]) || !Double.isFinite(frac[2])) {
            throw new IllegalArgumentException("a site needs 3 finite fractional coordinates");
        }
        this.species = Collections.unmodifiableMap(new LinkedHashMap<>(species));
        this.frac = frac.clone();
        this.label = label;
    }

    /** A fully occupied site of one element. */
    public static Site of(Element element, double[] frac) {
        return new Site(Map.of(element, 1.0), frac, element.symbol());
    }

    /** A fully occupied site of one element, with a label. */
    public static Site of(Element element, double[] frac, String label) {
        return new Site(Map.of(element, 1.0), frac, label);
    }

    /** Species and their occupancies, in insertion order. */
    public Map<Element, Double> species() {
        return species;
    }

    /** Fractional coordinates (a copy). */
    public double[] frac() {
        return frac.clone();
    }

    /** Fractional coordinate i without copying. */
    public double frac(int i) {
        return frac[i];
    }

    public String label() {
        return label;
    }

    /** One element with full occupancy. */
    public boolean isOrdered() {
        if (species.size() != 1) {
            return false;
        }
        return Math.abs(species.values().iterator().next() - 1.0) <= OCCUPANCY_TOLERANCE;
    }

    /** The element of an ordered site; throws for a disordered one. */
    public Element element() {
        if (!isOrdered()) {
            throw new IllegalStateException("site " + label + " is disordered: " + speciesString());
        }
        return species.keySet().iterator().next();
    }

    /** The element with the largest occupancy (first on ties). */
    public Element majorityElement() {
        Element best = null;
        double occ = -1;
        for (Map.Entry<Element, Double> e : species.entrySet()) {
            if (e.getValue() > occ) {
                best = e.getKey();
                occ = e.getValue();
            }
        }
        return best;
    }

    public double totalOccupancy() {
        double t = 0;
        for (double v : species.values()) {
            t += v;
        }
        return t;
    }

    /** The same species at other fractional coordinates. */
    public Site withFrac(double[] newFrac) {
        return new Site(species, newFrac, label);
    }

    /** "Fe" for an ordered site, "Fe:0.5 Mg:0.5" otherwise (pymatgen's style). */
    public String speciesString() {
        if (isOrdered()) {
            return species.keySet().iterator().next().symbol();
        }
        StringBuilder sb = new StringBuilder();
        species.entrySet().stream()
                .sorted(Map.Entry.comparingByKey((x, y) -> x.symbol().compareTo(y.symbol())))
                .forEach(e -> {
                    if (sb.length() > 0) {
                        sb.append(' ');
                    }
                    sb.append(e.getKey().symbol()).append(':').append(trim(e.getValue()));
                });
        return sb.toString();
    }

    private static String trim(double v) {
        String s = String.format("%.6g", v);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }

    @Override
    public String toString() {
        return String.format("%s [%.6f %.6f %.6f]", speciesString(), frac[0], frac[1], frac[2]);
    }
}
