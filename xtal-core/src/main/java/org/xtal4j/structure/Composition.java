package org.xtal4j.structure;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Amount of each element (occupancy-weighted), with formulas. Immutable. */
public final class Composition {

    private final Map<Element, Double> amounts;

    public Composition(Map<Element, Double> amounts) {
        this.amounts = Collections.unmodifiableMap(new TreeMap<>(amounts));
    }

    /** Element → amount, ordered by Z. */
    public Map<Element, Double> amounts() {
        return amounts;
    }

    public double amount(Element e) {
        return amounts.getOrDefault(e, 0.0);
    }

    public double totalAtoms() {
        double t = 0;
        for (double v : amounts.values()) {
            t += v;
        }
        return t;
    }

    /** Total mass in u. */
    public double mass() {
        double m = 0;
        for (Map.Entry<Element, Double> e : amounts.entrySet()) {
            m += e.getKey().mass() * e.getValue();
        }
        return m;
    }

    /**
     * Formula with elements sorted by Pauling electronegativity (pymatgen's order), e.g. "Pd2 O2".
     * Amounts are printed without trailing zeros; amounts of 1 are written out ("Na1 Cl1").
     */
    public String formula() {
        StringBuilder sb = new StringBuilder();
        for (Element e : electronegativityOrder()) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(e.symbol()).append(number(amounts.get(e)));
        }
        return sb.toString();
    }

    /** Reduced formula in pymatgen's style, e.g. "PdO", "Mg(OH)2" is written "MgH2O2". */
    public String reducedFormula() {
        double factor = reductionFactor();
        StringBuilder sb = new StringBuilder();
        for (Element e : electronegativityOrder()) {
            double v = amounts.get(e) / factor;
            sb.append(e.symbol());
            if (Math.abs(v - 1) > 1e-8) {
                sb.append(number(v));
            }
        }
        return sb.toString();
    }

    private double reductionFactor() {
        long g = 0;
        for (double v : amounts.values()) {
            long r = Math.round(v);
            if (Math.abs(v - r) > 1e-8) {
                return 1; // non-integer amounts are not reduced
            }
            g = gcd(g, r);
        }
        return g == 0 ? 1 : g;
    }

    private Iterable<Element> electronegativityOrder() {
        return amounts.keySet().stream()
                .sorted((x, y) -> {
                    double ex = x.properties().paulingElectronegativity();
                    double ey = y.properties().paulingElectronegativity();
                    ex = Double.isNaN(ex) ? Double.POSITIVE_INFINITY : ex;
                    ey = Double.isNaN(ey) ? Double.POSITIVE_INFINITY : ey;
                    int c = Double.compare(ex, ey);
                    return c != 0 ? c : x.symbol().compareTo(y.symbol());
                })
                .toList();
    }

    private static long gcd(long a, long b) {
        return b == 0 ? Math.abs(a) : gcd(b, a % b);
    }

    private static String number(double v) {
        long r = Math.round(v);
        if (Math.abs(v - r) < 1e-8) {
            return Long.toString(r);
        }
        String s = String.format("%.4f", v).replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Composition c && amounts.equals(c.amounts);
    }

    @Override
    public int hashCode() {
        return amounts.hashCode();
    }

    @Override
    public String toString() {
        return formula();
    }
}
