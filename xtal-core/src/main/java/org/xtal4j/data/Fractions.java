package org.xtal4j.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Validated part fractions in cut order, with cumulative sums. */
final class Fractions {

    final List<String> names;
    final double[] cumulative;

    Fractions(Map<String, Double> fractions) {
        if (fractions.isEmpty()) {
            throw new IllegalArgumentException("no parts given");
        }
        Map<String, Double> f = new LinkedHashMap<>(fractions);
        this.names = List.copyOf(f.keySet());
        this.cumulative = new double[names.size()];
        double sum = 0;
        for (int i = 0; i < names.size(); i++) {
            double v = f.get(names.get(i));
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("fraction of '" + names.get(i) + "' must be >= 0, not " + v);
            }
            if (names.get(i).equals(Split.NONE)) {
                throw new IllegalArgumentException("'" + Split.NONE + "' is reserved for records in no part");
            }
            sum += v;
            cumulative[i] = sum;
        }
        if (sum > 1 + 1e-9) {
            throw new IllegalArgumentException("fractions sum to " + sum + ", more than 1: " + fractions);
        }
        cumulative[names.size() - 1] = Math.min(cumulative[names.size() - 1], 1.0);
    }

    /** The part whose cumulative fraction first exceeds u in [0, 1), or none. */
    String partOf(double u) {
        for (int i = 0; i < names.size(); i++) {
            if (u < cumulative[i]) {
                return names.get(i);
            }
        }
        return Split.NONE;
    }
}
