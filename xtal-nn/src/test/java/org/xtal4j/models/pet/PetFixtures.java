package org.xtal4j.models.pet;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.xtal4j.nn.io.NamedTensors;
import org.xtal4j.nn.io.Safetensors;
import org.xtal4j.nn.model.Weights;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;
import org.xtal4j.testing.SharedData;

/** Loads {@code testdata/pet-parity}: model, inputs and the reference neighbour lists. */
final class PetFixtures {

    static final Path DIR = SharedData.resolve("testdata/pet-parity");
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> CASES = List.of("ch4_a", "ch4_b", "graphite_a", "graphite_b", "cu_fcc_rattled");
    /** Species vocabulary of the fixtures: H → 0, C → 1, Cu → 2. */
    static final List<String> ELEMENTS = List.of("H", "C", "Cu");

    private PetFixtures() {
    }

    static JsonNode json(String file) throws IOException {
        return JSON.readTree(DIR.resolve(file).toFile());
    }

    static PetConfig config() throws IOException {
        return PetConfig.fromJson(json("model/hypers.json").get("architectural_hypers"));
    }

    static NamedTensors weights() throws IOException {
        return Safetensors.read(DIR.resolve("model/weights.safetensors"));
    }

    /** A block of the fixture model in the given precision, with the reference weights. */
    static PetBlock block(NDManager m, DataType type) throws IOException {
        PetBlock b = new PetBlock(config(), ELEMENTS.size());
        b.initialize(m, type, new Shape(1, 3));
        NamedTensors w = weights();
        for (String name : b.namedParameters().keySet()) {
            if (!w.contains(name)) {
                throw new IllegalStateException("fixture lacks " + name);
            }
        }
        Weights.load(b.namedParameters(), w, false);
        return b;
    }

    static ParameterStore store(NDManager m) {
        return new ParameterStore(m, false);
    }

    static int speciesIndex(int z) {
        return switch (z) {
            case 1 -> 0;
            case 6 -> 1;
            case 29 -> 2;
            default -> throw new IllegalArgumentException("Z " + z);
        };
    }

    /** The configuration {@code name} of an orientation ("original", "rotated", "inverted"). */
    static JsonNode input(String name, String orientation) throws IOException {
        JsonNode in = json("inputs.json");
        String key = orientation.equals("original") ? "configurations" : orientation;
        String want = neighbourKey(name, orientation);
        for (JsonNode c : in.get(key)) {
            if (c.get("name").asText().equals(want)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no input " + name + " / " + orientation);
    }

    static double[][] matrix(JsonNode a) {
        double[][] out = new double[a.size()][];
        for (int i = 0; i < a.size(); i++) {
            out[i] = new double[a.get(i).size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = a.get(i).get(j).asDouble();
            }
        }
        return out;
    }

    static double[] vector(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    /** The input as a Structure (molecules: a 64 Å box with pbc false). */
    static Structure structure(JsonNode c) {
        double[][] pos = matrix(c.get("positions"));
        boolean periodic = c.get("pbc").get(0).asBoolean();
        Lattice lat = periodic ? Lattice.fromMatrix(matrix(c.get("cell")))
                : Lattice.fromMatrix(new double[][] {{64, 0, 0}, {0, 64, 0}, {0, 0, 64}});
        List<Site> sites = new ArrayList<>();
        int[] z = ints(c.get("atomic_numbers"));
        for (int i = 0; i < z.length; i++) {
            sites.add(Site.of(Element.of(z[i]), lat.toFractional(pos[i])));
        }
        Structure.Builder b = Structure.builder().lattice(lat).sites(sites);
        boolean[] pbc = new boolean[3];
        for (int a = 0; a < 3; a++) {
            pbc[a] = c.get("pbc").get(a).asBoolean();
        }
        return b.pbc(pbc[0], pbc[1], pbc[2]).build();
    }

    /** The graph in the reference's neighbour order ({@code neighbors.json}), vectors rebuilt from positions. */
    static PetGraph referenceGraph(String key, JsonNode input) throws IOException {
        JsonNode nb = json("neighbors.json").get(key);
        int[] z = ints(input.get("atomic_numbers"));
        int[] sp = new int[z.length];
        for (int i = 0; i < z.length; i++) {
            sp[i] = speciesIndex(z[i]);
        }
        int[] counts = ints(nb.get("n_neighbors_per_atom"));
        int[] start = new int[counts.length];
        for (int i = 1; i < counts.length; i++) {
            start[i] = start[i - 1] + counts[i - 1];
        }
        int[] ci = ints(nb.get("i"));
        int[] cj = ints(nb.get("j"));
        int[] rev = ints(nb.get("rev"));
        int e = ci.length;
        int[] shift = new int[3 * e];
        int[] reverse = new int[e];
        for (int k = 0; k < e; k++) {
            JsonNode s = nb.get("shift").get(k);
            for (int a = 0; a < 3; a++) {
                shift[3 * k + a] = s.get(a).asInt();
            }
            reverse[k] = start[cj[k]] + rev[k];
        }
        return PetGraph.fromEdges(sp, matrix(input.get("positions")), matrix(input.get("cell")), ci, cj, shift,
                reverse);
    }

    static String neighbourKey(String name, String orientation) {
        return orientation.equals("original") ? name : name + "_" + orientation;
    }
}
