package org.xtal4j.io.extxyz;

import java.util.ArrayList;
import java.util.List;

/** One entry of {@code Properties=name:type:count}: a per-atom column group of type S, R, I or L. */
record Column(String name, char type, int count) {

    /** Parses {@code species:S:1:pos:R:3:...}; returns null and fills {@code problem} when malformed. */
    static List<Column> parse(String spec, StringBuilder problem) {
        String[] p = spec.split(":", -1);
        if (p.length % 3 != 0 || p.length == 0) {
            problem.append("Properties='").append(spec).append("' is not a list of name:type:count triples");
            return null;
        }
        List<Column> out = new ArrayList<>();
        for (int k = 0; k < p.length; k += 3) {
            String name = p[k];
            String type = p[k + 1].toUpperCase();
            if (name.isEmpty() || type.length() != 1 || "SRIL".indexOf(type.charAt(0)) < 0) {
                problem.append("Properties entry '").append(name).append(':').append(p[k + 1])
                        .append("' needs a name and a type S, R, I or L");
                return null;
            }
            int count;
            try {
                count = Integer.parseInt(p[k + 2]);
            } catch (NumberFormatException e) {
                count = -1;
            }
            if (count < 1 || count > 10_000) {
                problem.append("Properties entry '").append(name).append("' has count '").append(p[k + 2])
                        .append("', not a whole number in 1..10000");
                return null;
            }
            out.add(new Column(name, type.charAt(0), count));
        }
        return out;
    }
}
