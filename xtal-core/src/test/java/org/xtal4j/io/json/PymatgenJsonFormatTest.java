package org.xtal4j.io.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xtal4j.io.StructureParseException;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Structure;

class PymatgenJsonFormatTest {

    /** As pymatgen's Structure.as_dict() writes it (hand-made values). */
    private static final String FEO = """
            {"@module": "pymatgen.core.structure", "@class": "Structure", "charge": 0,
             "lattice": {"matrix": [[4.3, 0.0, 0.0], [0.0, 4.3, 0.0], [1.0, 0.0, 4.3]],
                         "pbc": [true, true, true], "a": 4.3, "b": 4.3, "c": 4.41, "alpha": 90, "beta": 76.9, "gamma": 90,
                         "volume": 79.507},
             "properties": {"energy": -12.5, "source": "test"},
             "sites": [
               {"species": [{"element": "Fe", "oxidation_state": 2, "occu": 1}], "abc": [0.0, 0.0, 0.0],
                "xyz": [0.0, 0.0, 0.0], "label": "Fe1", "properties": {"magmom": 4.0, "selective_dynamics": [true, false, true]}},
               {"species": [{"element": "O", "oxidation_state": -2, "occu": 1}], "abc": [0.5, 0.5, 0.5],
                "xyz": [2.65, 2.15, 2.15], "label": "O", "properties": {"magmom": 0.0, "selective_dynamics": [false, false, false]}},
               {"species": [{"element": "Mg", "occu": 0.5}, {"element": "Fe", "occu": 0.25}],
                "xyz": [0.5, 0.0, 2.15], "label": "M", "properties": {"magmom": 1.5, "selective_dynamics": [true, true, true]}}
             ]}
            """;

    private final PymatgenJsonFormat format = new PymatgenJsonFormat();

    private StructureParseException error(String text) {
        try {
            format.read(text, "bad.json", w -> { });
        } catch (StructureParseException e) {
            assertThat(e.getMessage()).startsWith("bad.json");
            return e;
        }
        throw new AssertionError("expected a StructureParseException");
    }

    @Test
    void readsAStructureDict() {
        Structure s = format.read(FEO, "feo.json", w -> { }).get(0);
        assertThat(s.size()).isEqualTo(3);
        assertThat(s.lattice().vector(2)).containsExactly(1.0, 0.0, 4.3);
        assertThat(s.site(0).element()).isEqualTo(Element.of("Fe"));
        assertThat(s.site(0).label()).isEqualTo("Fe1");
        assertThat(s.site(1).frac()).containsExactly(0.5, 0.5, 0.5);
        // xyz used when abc is absent: (0.5, 0, 2.15) = 0.5·c − ... → frac (0, 0, 0.5)
        assertThat(s.site(2).frac()).containsExactly(new double[] {0.0, 0.0, 0.5}, within(1e-12));
        assertThat(s.site(2).species()).isEqualTo(Map.of(Element.of("Mg"), 0.5, Element.of("Fe"), 0.25));
        assertThat(s.site(2).isOrdered()).isFalse();
        assertThat(s.siteProperties().get("magmom")[2]).containsExactly(1.5);
        assertThat(s.siteProperties().get("selective_dynamics")[0]).containsExactly(1, 0, 1);
        assertThat(s.properties()).containsEntry("energy", -12.5).containsEntry("source", "test");
    }

    @Test
    void readsListsAndTrivialWrappers() {
        String list = "[" + FEO + "," + FEO + "]";
        assertThat(format.read(list, "l.json", w -> { })).hasSize(2);
        List<String> warnings = new ArrayList<>();
        List<Structure> wrapped = format.read("{\"structures\": " + list + ", \"bulk_moduli\": [1, 2]}", "w.json", warnings::add);
        assertThat(wrapped).hasSize(2);
        assertThat(warnings).anyMatch(w -> w.contains("bulk_moduli"));
        assertThat(format.read("{\"structure\": " + FEO + "}", "w.json", w -> { })).hasSize(1);
    }

    @Test
    void errorsNameTheJsonPath() {
        StructureParseException abc = error("[" + FEO + "," + FEO.replace("[0.5, 0.5, 0.5]", "[0.5, \"x\", 0.5]") + "]");
        assertThat(abc.getMessage()).contains("$[1].sites[1].abc[1]");
        assertThat(error(FEO.replace("\"lattice\"", "\"latt\"")).getMessage()).contains("$.lattice");
        assertThat(error(FEO.replace("\"element\": \"O\"", "\"element\": \"Qq\"")).getMessage())
                .contains("$.sites[1].species[0].element").contains("Qq");
        assertThat(error(FEO.replace("\"occu\": 0.5", "\"occu\": 0.9")).getMessage()).contains("$.sites[2].species");
        assertThat(error(FEO.replace("[1.0, 0.0, 4.3]", "[8.6, 0.0, 0.0]")).getMessage()).contains("degenerate");
        assertThat(error("{\"a\": 1}").getMessage()).contains("not a pymatgen Structure");
        assertThat(error("").getMessage()).contains("empty");
    }

    @Test
    void syntaxErrorsGiveTheLine() {
        StructureParseException e = error("{\n\"lattice\": {\n\"matrix\": [[1, 2, 3],,]\n}}");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).contains("not valid JSON");
    }

    @Test
    void writeThenReadGivesTheSameStructure() throws Exception {
        Structure s = format.read(FEO, "feo.json", w -> { }).get(0);
        StringWriter w = new StringWriter();
        format.write(List.of(s), w);
        assertThat(w.toString()).contains("\"@class\":\"Structure\"").contains("\"selective_dynamics\":[true,false,true]");
        Structure b = format.read(w.toString(), "back.json", x -> { }).get(0);
        assertThat(b.lattice().equalsWithin(s.lattice(), 1e-10)).isTrue();
        for (int i = 0; i < s.size(); i++) {
            assertThat(b.site(i).species()).isEqualTo(s.site(i).species());
            assertThat(b.site(i).frac()).containsExactly(s.site(i).frac(), within(1e-10));
            assertThat(b.site(i).label()).isEqualTo(s.site(i).label());
        }
        assertThat(b.siteProperties().get("magmom")[2]).containsExactly(1.5);
        assertThat(b.siteProperties().get("selective_dynamics")[0]).containsExactly(1, 0, 1);
        assertThat(b.properties()).containsEntry("energy", -12.5);

        StringWriter two = new StringWriter();
        format.write(List.of(s, s), two);
        assertThat(two.toString()).startsWith("[");
        assertThat(format.read(two.toString(), "two.json", x -> { })).hasSize(2);
    }

    @Test
    void looksLike() {
        assertThat(format.looksLike(FEO)).isTrue();
        assertThat(format.looksLike("{\"POSCAR-1.vasp\": \"System\\n1.0\\n\"}")).isFalse();
        assertThat(format.looksLike("data_x\n")).isFalse();
    }
}
