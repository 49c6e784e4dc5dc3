package org.xtal4j.io.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.xtal4j.io.StructureParseException;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/** Reads pymatgen Structure dicts from JSON text; errors name the JSON path, e.g. {@code $[3].sites[2].abc}. */
final class PymatgenJsonReader {

    /** Python's json module writes NaN and Infinity; accept them so a NaN property does not reject a file. */
    private static final ObjectMapper MAPPER = JsonMapper.builder(new JsonFactory())
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final String source;
    private final Consumer<String> warnings;

    PymatgenJsonReader(String source, Consumer<String> warnings) {
        this.source = source;
        this.warnings = warnings == null ? w -> { } : warnings;
    }

    List<Structure> read(String text) {
        if (text.isBlank()) {
            throw new StructureParseException(source, 1, "empty file");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getLineNr());
            throw new StructureParseException(source, line, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        String path = "$";
        if (root.isObject() && !root.has("sites") && !root.has("lattice")) {
            if (root.has("structure") && root.get("structure").isObject()) {
                warnIgnored(root, "structure");
                root = root.get("structure");
                path = "$.structure";
            } else if (root.has("structures") && root.get("structures").isArray()) {
                warnIgnored(root, "structures");
                root = root.get("structures");
                path = "$.structures";
            } else {
                throw error(path, "not a pymatgen Structure dict: no 'lattice' and 'sites' (keys: " + keys(root) + ")");
            }
        }
        List<Structure> out = new ArrayList<>();
        if (root.isArray()) {
            if (root.isEmpty()) {
                throw error(path, "empty list: no structures");
            }
            for (int i = 0; i < root.size(); i++) {
                out.add(structure(root.get(i), path + "[" + i + "]"));
            }
        } else {
            out.add(structure(root, path));
        }
        return out;
    }

    private Structure structure(JsonNode d, String path) {
        if (!d.isObject()) {
            throw error(path, "expected a Structure dict (JSON object), found " + d.getNodeType().toString().toLowerCase());
        }
        JsonNode lat = d.get("lattice");
        if (lat == null || !lat.isObject()) {
            String cls = d.path("@class").asText("");
            throw error(path + ".lattice", "missing lattice" + (cls.equals("Molecule") ? " (a pymatgen Molecule is not a crystal)" : ""));
        }
        double[][] m = new double[3][];
        JsonNode matrix = lat.get("matrix");
        if (matrix == null || !matrix.isArray() || matrix.size() != 3) {
            throw error(path + ".lattice.matrix", "needs 3 rows of 3 numbers");
        }
        for (int i = 0; i < 3; i++) {
            m[i] = numbers(matrix.get(i), 3, path + ".lattice.matrix[" + i + "]");
        }
        Lattice lattice;
        try {
            lattice = Lattice.fromMatrix(m);
        } catch (IllegalArgumentException e) {
            throw error(path + ".lattice.matrix", e.getMessage());
        }
        boolean[] pbc = {true, true, true};
        JsonNode pbcNode = lat.get("pbc");
        if (pbcNode != null && !pbcNode.isNull()) {
            if (!pbcNode.isArray() || pbcNode.size() != 3 || !pbcNode.get(0).isBoolean() || !pbcNode.get(1).isBoolean()
                    || !pbcNode.get(2).isBoolean()) {
                throw error(path + ".lattice.pbc", "needs 3 booleans");
            }
            for (int k = 0; k < 3; k++) {
                pbc[k] = pbcNode.get(k).booleanValue();
            }
        }
        JsonNode sites = d.get("sites");
        if (sites == null || !sites.isArray() || sites.isEmpty()) {
            throw error(path + ".sites", "needs a non-empty list of sites");
        }
        List<Site> list = new ArrayList<>(sites.size());
        for (int i = 0; i < sites.size(); i++) {
            list.add(site(sites.get(i), lattice, path + ".sites[" + i + "]"));
        }
        Structure.Builder b = Structure.builder().lattice(lattice).sites(list).pbc(pbc[0], pbc[1], pbc[2]);
        JsonNode charge = d.get("charge");
        if (charge != null && charge.isNumber() && charge.doubleValue() != 0) {
            b.property("charge", charge.doubleValue());
        }
        JsonNode props = d.get("properties");
        if (props != null && props.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                Object v = plainValue(e.getValue());
                if (v == null) {
                    warnings.accept(source + ": " + path + ".properties." + e.getKey() + " is not a number, text, boolean"
                            + " or list of numbers; dropped");
                } else {
                    b.property(e.getKey(), v);
                }
            }
        }
        siteProperties(sites, path, b);
        return b.build();
    }

    private Site site(JsonNode s, Lattice lattice, String path) {
        if (!s.isObject()) {
            throw error(path, "expected a site object");
        }
        JsonNode species = s.get("species");
        if (species == null || !species.isArray() || species.isEmpty()) {
            throw error(path + ".species", "needs a non-empty list of {element, occu}");
        }
        Map<Element, Double> occ = new LinkedHashMap<>();
        for (int k = 0; k < species.size(); k++) {
            String p = path + ".species[" + k + "]";
            JsonNode sp = species.get(k);
            JsonNode el = sp.get("element");
            if (el == null || !el.isTextual()) {
                throw error(p + ".element", "missing element symbol");
            }
            Optional<Element> e = Element.lookup(el.asText());
            if (e.isEmpty()) {
                throw error(p + ".element", "'" + el.asText() + "' is not an element symbol");
            }
            JsonNode o = sp.get("occu");
            double occu = o == null ? 1.0 : o.isNumber() ? o.doubleValue() : Double.NaN;
            if (!(occu > 0) || !Double.isFinite(occu)) {
                throw error(p + ".occu", "occupancy must be a positive number, found " + (o == null ? "nothing" : o.toString()));
            }
            occ.merge(e.get(), occu, Double::sum);
        }
        double[] frac;
        if (s.has("abc")) {
            frac = numbers(s.get("abc"), 3, path + ".abc");
        } else if (s.has("xyz")) {
            frac = lattice.toFractional(numbers(s.get("xyz"), 3, path + ".xyz"));
        } else {
            throw error(path, "site has neither 'abc' nor 'xyz' coordinates");
        }
        String label = s.path("label").isTextual() ? s.get("label").asText() : null;
        try {
            return new Site(occ, frac, label == null ? occ.keySet().iterator().next().symbol() : label);
        } catch (IllegalArgumentException e) {
            throw error(path + ".species", e.getMessage());
        }
    }

    /** Site properties that are numeric (or boolean) with the same shape on every site. */
    private void siteProperties(JsonNode sites, String path, Structure.Builder b) {
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode s : sites) {
            s.path("properties").fieldNames().forEachRemaining(names::add);
        }
        for (String name : names) {
            double[][] values = new double[sites.size()][];
            for (int i = 0; i < sites.size() && values != null; i++) {
                JsonNode v = sites.get(i).path("properties").get(name);
                values[i] = v == null ? null : row(v);
                if (values[i] == null || (i > 0 && values[i].length != values[0].length)) {
                    values = null;
                }
            }
            if (values == null) {
                warnings.accept(source + ": " + path + ": site property '" + name
                        + "' is not a number (or list of numbers) of the same length on every site; dropped");
            } else {
                b.siteProperty(name, values);
            }
        }
    }

    private static double[] row(JsonNode v) {
        if (v.isNumber() || v.isBoolean()) {
            return new double[] {scalar(v)};
        }
        if (v.isArray() && !v.isEmpty()) {
            double[] r = new double[v.size()];
            for (int k = 0; k < r.length; k++) {
                if (!v.get(k).isNumber() && !v.get(k).isBoolean()) {
                    return null;
                }
                r[k] = scalar(v.get(k));
            }
            return r;
        }
        return null;
    }

    private static double scalar(JsonNode v) {
        return v.isBoolean() ? (v.booleanValue() ? 1 : 0) : v.doubleValue();
    }

    /** Number → Double, text → String, boolean → Boolean, list of numbers → double[]; else null. */
    private static Object plainValue(JsonNode v) {
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isArray() && !v.isEmpty()) {
            double[] r = new double[v.size()];
            for (int k = 0; k < r.length; k++) {
                if (!v.get(k).isNumber()) {
                    return null;
                }
                r[k] = v.get(k).doubleValue();
            }
            return r;
        }
        return null;
    }

    private double[] numbers(JsonNode node, int n, String path) {
        if (node == null || !node.isArray() || node.size() != n) {
            throw error(path, "needs " + n + " numbers");
        }
        double[] r = new double[n];
        for (int k = 0; k < n; k++) {
            JsonNode v = node.get(k);
            if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
                throw error(path + "[" + k + "]", "'" + v + "' is not a finite number");
            }
            r[k] = v.doubleValue();
        }
        return r;
    }

    private void warnIgnored(JsonNode root, String used) {
        List<String> other = new ArrayList<>();
        root.fieldNames().forEachRemaining(k -> {
            if (!k.equals(used)) {
                other.add(k);
            }
        });
        if (!other.isEmpty()) {
            warnings.accept(source + ": reading '" + used + "'; other keys ignored: " + String.join(", ", other));
        }
    }

    private static String keys(JsonNode o) {
        List<String> k = new ArrayList<>();
        o.fieldNames().forEachRemaining(k::add);
        String s = String.join(", ", k.subList(0, Math.min(8, k.size())));
        return k.size() > 8 ? s + ", ..." : s;
    }

    private StructureParseException error(String path, String problem) {
        return new StructureParseException(source, 0, path + ": " + problem);
    }
}
