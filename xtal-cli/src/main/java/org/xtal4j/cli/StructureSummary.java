package org.xtal4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Structure;

/**
 * What {@code xtal info} reports about one structure.
 *
 * @param index position of the structure in its file (0-based)
 * @param primitiveSites sites in the primitive cell, or null when it could not be determined
 *     (non-periodic structure, failed search; the reason is in {@code warnings})
 */
record StructureSummary(
        String file,
        int index,
        String formula,
        int sites,
        double a,
        double b,
        double c,
        double alpha,
        double beta,
        double gamma,
        double volume,
        double density,
        Integer primitiveSites,
        double tolerance,
        boolean ordered,
        List<String> warnings) {

    static StructureSummary of(String file, int index, Structure s, double tolerance, List<String> fileWarnings) {
        List<String> warnings = new ArrayList<>(fileWarnings);
        Lattice l = s.lattice();
        Integer primitive = null;
        if (!s.isFullyPeriodic()) {
            warnings.add(file + ": structure " + index + " is not periodic along all axes; no primitive cell");
        } else {
            try {
                primitive = CellOperations.primitive(s, tolerance).size();
            } catch (RuntimeException e) {
                warnings.add(Problems.describe(e, file) + " (primitive cell search)");
            }
        }
        double density;
        try {
            density = s.density();
        } catch (RuntimeException e) {
            density = Double.NaN; // an element without a known mass
        }
        return new StructureSummary(file, index, s.composition().reducedFormula(), s.size(),
                l.a(), l.b(), l.c(), l.alpha(), l.beta(), l.gamma(), l.volume(), density,
                primitive, tolerance, s.isOrdered(), List.copyOf(warnings));
    }

    /** One JSON object; the field names are part of the CLI's documented output. */
    ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("file", file);
        o.put("index", index);
        o.put("formula", formula);
        o.put("n_sites", sites);
        number(o, "a", a);
        number(o, "b", b);
        number(o, "c", c);
        number(o, "alpha", alpha);
        number(o, "beta", beta);
        number(o, "gamma", gamma);
        number(o, "volume", volume);
        number(o, "density", density);
        if (primitiveSites == null) {
            o.putNull("primitive_n_sites");
        } else {
            o.put("primitive_n_sites", primitiveSites);
        }
        o.put("primitive_tolerance", tolerance);
        o.put("ordered", ordered);
        ArrayNode w = o.putArray("warnings");
        warnings.forEach(w::add);
        return o;
    }

    /** JSON has no NaN: unknown values become null. */
    private static void number(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }
}
