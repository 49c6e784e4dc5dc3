package org.xtal4j.io.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/** Writes structures as pymatgen {@code Structure.as_dict()} JSON. */
final class PymatgenJsonWriter {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private PymatgenJsonWriter() {
    }

    static void write(List<Structure> structures, Writer out) throws IOException {
        JsonNode root;
        if (structures.size() == 1) {
            root = dict(structures.get(0));
        } else {
            ArrayNode a = F.arrayNode();
            structures.forEach(s -> a.add(dict(s)));
            root = a;
        }
        MAPPER.writeValue(out, root);
        out.write('\n');
    }

    static ObjectNode dict(Structure s) {
        ObjectNode d = F.objectNode();
        d.put("@module", "pymatgen.core.structure");
        d.put("@class", "Structure");
        Object charge = s.properties().get("charge");
        d.put("charge", charge instanceof Number n ? n.doubleValue() : 0.0);
        Lattice l = s.lattice();
        ObjectNode lat = d.putObject("lattice");
        ArrayNode matrix = lat.putArray("matrix");
        for (double[] row : l.matrix()) {
            vector(matrix.addArray(), row);
        }
        boolean[] pbc = s.pbc();
        lat.putArray("pbc").add(pbc[0]).add(pbc[1]).add(pbc[2]);
        lat.put("a", l.a()).put("b", l.b()).put("c", l.c());
        lat.put("alpha", l.alpha()).put("beta", l.beta()).put("gamma", l.gamma()).put("volume", l.volume());
        ObjectNode props = d.putObject("properties");
        for (Map.Entry<String, Object> e : s.properties().entrySet()) {
            if (!e.getKey().equals("charge")) {
                put(props, e.getKey(), e.getValue());
            }
        }
        ArrayNode sites = d.putArray("sites");
        for (int i = 0; i < s.size(); i++) {
            Site site = s.site(i);
            ObjectNode o = sites.addObject();
            ArrayNode species = o.putArray("species");
            for (Map.Entry<Element, Double> e : site.species().entrySet()) {
                species.addObject().put("element", e.getKey().symbol()).put("occu", e.getValue());
            }
            vector(o.putArray("abc"), site.frac());
            vector(o.putArray("xyz"), s.cartesian(i));
            o.put("label", site.label() != null ? site.label() : site.speciesString());
            ObjectNode sp = o.putObject("properties");
            for (Map.Entry<String, double[][]> e : s.siteProperties().entrySet()) {
                double[] row = e.getValue()[i];
                boolean bools = e.getKey().equals("selective_dynamics");
                if (row.length == 1 && !bools) {
                    sp.put(e.getKey(), row[0]);
                } else {
                    ArrayNode a = sp.putArray(e.getKey());
                    for (double x : row) {
                        if (bools) {
                            a.add(x != 0);
                        } else {
                            a.add(x);
                        }
                    }
                }
            }
        }
        return d;
    }

    private static void vector(ArrayNode a, double[] v) {
        for (double x : v) {
            a.add(x);
        }
    }

    private static void put(ObjectNode o, String key, Object v) {
        if (v instanceof Boolean b) {
            o.put(key, b);
        } else if (v instanceof Number n) {
            o.put(key, n.doubleValue());
        } else if (v instanceof String str) {
            o.put(key, str);
        } else if (v instanceof double[] a) {
            vector(o.putArray(key), a);
        }
    }
}
