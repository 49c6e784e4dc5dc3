package org.xtal4j.io.cif;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

class CifWriterTest {

    private final CifFormat cif = new CifFormat();

    private String write(List<Structure> s) throws IOException {
        StringWriter w = new StringWriter();
        cif.write(s, w);
        return w.toString();
    }

    @Test
    void writesP1LayoutThatReadsBackIdentically() throws IOException {
        Structure nacl = cif.read(CifFormatTest.NACL, "nacl.cif", w -> { }).get(0);
        String text = write(List.of(nacl));
        assertThat(text).contains("data_NaCl\n", "_symmetry_equiv_pos_as_xyz", "'x, y, z'", "_atom_site_type_symbol",
                "_atom_site_fract_x", "_atom_site_occupancy", "_cell_length_a   5.64000000");
        assertThat(cif.looksLike(text)).isTrue();
        List<String> warnings = new java.util.ArrayList<>();
        Structure back = cif.read(text, "written.cif", warnings::add).get(0);
        CifFormatTest.assertSameSites(back, nacl);
        assertThat(warnings).isEmpty();
    }

    @Test
    void triclinicCellMixedSitesAndSeveralStructuresRoundTrip() throws IOException {
        Lattice l = Lattice.fromParameters(4.1, 5.2, 6.3, 71.5, 83.25, 101.75);
        Site mixed = new Site(Map.of(Element.of("Fe"), 0.25, Element.of("Mg"), 0.75), new double[] {0.1, 0.2, 0.3}, "M1");
        Site o = Site.of(Element.of("O"), new double[] {0.5, 0.999999999, 0.0}, "O 1");
        Structure a = Structure.of(l, List.of(mixed, o));
        Structure b = Structure.of(Lattice.fromParameters(3, 3, 3, 90, 90, 90),
                List.of(Site.of(Element.of("Si"), new double[] {0, 0, 0})));
        String text = write(List.of(a, b));
        List<Structure> back = cif.read(text, "two.cif", w -> { });
        assertThat(back).hasSize(2);
        assertThat(back.get(0).lattice().equalsWithin(l, 1e-6)).isTrue();
        assertThat(back.get(0).size()).isEqualTo(2);
        Site m = back.get(0).sites().stream().filter(s -> !s.isOrdered()).findFirst().orElseThrow();
        assertThat(m.species()).isEqualTo(mixed.species());
        assertThat(m.frac()).containsExactly(0.1, 0.2, 0.3);
        assertThat(back.get(0).composition().amount(Element.of("O"))).isEqualTo(1.0);
        assertThat(back.get(1).composition().amount(Element.of("Si"))).isEqualTo(1.0);
        // labels with spaces are replaced, block names stay unique
        assertThat(text).doesNotContain("O 1");
        assertThat(text.split("\ndata_")).hasSize(3);
    }

    @Test
    void refusesAStructureWithoutSites() {
        Structure empty = Structure.of(Lattice.fromParameters(3, 3, 3, 90, 90, 90), List.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> write(List.of(empty)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without sites");
    }
}
