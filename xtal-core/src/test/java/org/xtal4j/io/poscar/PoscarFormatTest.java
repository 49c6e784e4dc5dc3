package org.xtal4j.io.poscar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xtal4j.io.StructureParseException;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

class PoscarFormatTest {

    private static final String SI_VASP5 = """
            Si diamond
            1.0
              5.43 0.0 0.0
              0.0 5.43 0.0
              0.0 0.0 5.43
            Si
            2
            Direct
              0.00 0.00 0.00
              0.25 0.25 0.25
            """;

    private final PoscarFormat format = new PoscarFormat();

    private Structure read(String text) {
        List<Structure> r = format.read(text, "test.vasp", w -> { });
        assertThat(r).hasSize(1);
        return r.get(0);
    }

    private StructureParseException error(String text) {
        try {
            format.read(text, "bad.vasp", w -> { });
        } catch (StructureParseException e) {
            assertThat(e.getMessage()).startsWith("bad.vasp");
            return e;
        }
        throw new AssertionError("expected a StructureParseException");
    }

    @Test
    void readsVasp5Direct() {
        Structure s = read(SI_VASP5);
        assertThat(s.size()).isEqualTo(2);
        assertThat(s.lattice().a()).isCloseTo(5.43, within(1e-12));
        assertThat(s.lattice().volume()).isCloseTo(5.43 * 5.43 * 5.43, within(1e-9));
        assertThat(s.site(1).element()).isEqualTo(Element.of("Si"));
        assertThat(s.site(1).frac()).containsExactly(0.25, 0.25, 0.25);
        assertThat(s.isFullyPeriodic()).isTrue();
        assertThat(s.siteProperties()).isEmpty();
    }

    @Test
    void vasp4TakesSpeciesFromACommentThatIsOnlySymbols() {
        List<String> warnings = new ArrayList<>();
        String text = """
                Ga As
                5.65
                0 0.5 0.5
                0.5 0 0.5
                0.5 0.5 0
                1 1
                direct
                0 0 0
                0.25 0.25 0.25
                """;
        Structure s = format.read(text, "gaas.vasp", warnings::add).get(0);
        assertThat(s.site(0).element().symbol()).isEqualTo("Ga");
        assertThat(s.site(1).element().symbol()).isEqualTo("As");
        assertThat(s.lattice().a()).isCloseTo(5.65 * Math.sqrt(0.5), within(1e-12));
        assertThat(warnings).anyMatch(w -> w.contains("VASP 4"));
    }

    @Test
    void vasp4WithoutUsableSpeciesIsRejected() {
        String text = """
                Al8 Si4 O20 kyanite
                1.0
                5 0 0
                0 5 0
                0 0 5
                1 1
                direct
                0 0 0
                0.5 0.5 0.5
                """;
        StructureParseException e = error(text);
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.getMessage()).contains("species line");
        // right symbols but the wrong number of them
        assertThat(error(text.replace("Al8 Si4 O20 kyanite", "Al Si O")).getMessage()).contains("species line");
    }

    @Test
    void cartesianCoordinatesAreScaledByTheUniversalFactor() {
        String text = """
                Si scaled
                5.43
                1 0 0
                0 1 0
                0 0 1
                Si
                2
                Cartesian
                0 0 0
                0.25 0.25 0.25
                """;
        Structure s = read(text);
        assertThat(s.lattice().a()).isCloseTo(5.43, within(1e-12));
        assertThat(s.site(1).frac()).containsExactly(new double[] {0.25, 0.25, 0.25}, within(1e-12));
        assertThat(s.cartesian(1)[2]).isCloseTo(5.43 * 0.25, within(1e-12));
    }

    @Test
    void negativeScaleIsTheTargetVolume() {
        Structure s = read(SI_VASP5.replace("\n1.0\n", "\n-100.0\n"));
        assertThat(s.volume()).isCloseTo(100.0, within(1e-9));
        assertThat(s.lattice().alpha()).isCloseTo(90.0, within(1e-9));
        assertThat(s.site(1).frac()).containsExactly(0.25, 0.25, 0.25);
    }

    @Test
    void threeScaleFactorsScaleCartesianComponents() {
        String text = """
                orthorhombic
                2.0 3.0 4.0
                1 0 0
                0 1 0
                0 0 1
                Na Cl
                1 1
                Cartesian
                0 0 0
                1.0 1.5 2.0
                """;
        Structure s = read(text);
        assertThat(s.lattice().lengths()).containsExactly(new double[] {2, 3, 4}, within(1e-12));
        assertThat(s.site(1).frac()).containsExactly(new double[] {1.0, 1.5, 2.0}, within(1e-12));
        assertThat(error(text.replace("2.0 3.0 4.0", "2.0 -3.0 4.0")).line()).isEqualTo(2);
    }

    @Test
    void selectiveDynamicsFlagsBecomeASiteProperty() {
        String text = """
                NaCl
                1.0
                5.6 0 0
                0 5.6 0
                0 0 5.6
                Na Cl
                1 1
                Selective dynamics
                Direct
                0 0 0 F F F
                0.5 0.5 0.5 T F T Cl
                """;
        Structure s = read(text);
        double[][] flags = s.siteProperties().get("selective_dynamics");
        assertThat(flags[0]).containsExactly(0, 0, 0);
        assertThat(flags[1]).containsExactly(1, 0, 1);
        assertThat(error(text.replace("T F T Cl", "T X T")).line()).isEqualTo(11);
        assertThat(error(text.replace("T F T Cl", "")).line()).isEqualTo(11);
    }

    @Test
    void speciesSuffixesAndVelocitiesAreHandled() {
        String text = """
                FeO
                1.0
                4.3 0 0
                0 4.3 0
                0 0 4.3
                Fe_pv O/7a8b9c
                1 1
                d
                0 0 0
                0.5 0.5 0.5

                0.01 0.02 0.03
                0.00 0.00 0.00
                """;
        Structure s = read(text);
        assertThat(s.size()).isEqualTo(2);
        assertThat(s.site(0).element().symbol()).isEqualTo("Fe");
        assertThat(s.site(1).element().symbol()).isEqualTo("O");
    }

    @Test
    void tooFewCoordinateLinesNameTheLine() {
        StructureParseException e = error(SI_VASP5.replace("2\nDirect", "3\nDirect"));
        assertThat(e.getMessage()).contains("3 atoms").contains("only 2");
        assertThat(e.line()).isEqualTo(11);
    }

    @Test
    void countsAndSpeciesMustAgree() {
        StructureParseException e = error(SI_VASP5.replace("\n2\nDirect", "\n2 2\nDirect"));
        assertThat(e.line()).isEqualTo(7);
        assertThat(e.getMessage()).contains("2 counts but 1 species");
    }

    @Test
    void nonNumbersAreRejectedWithTheirLine() {
        assertThat(error(SI_VASP5.replace("0.25 0.25 0.25", "0.25 x 0.25")).line()).isEqualTo(10);
        assertThat(error(SI_VASP5.replace("\n1.0\n", "\none\n")).line()).isEqualTo(2);
        assertThat(error(SI_VASP5.replace("0.0 5.43 0.0", "0.0 5.43")).line()).isEqualTo(4);
        assertThat(error(SI_VASP5.replace("\n2\n", "\n2.5\n")).line()).isEqualTo(7);
        assertThat(error(SI_VASP5.replace("Si\n2", "Xx\n2")).line()).isEqualTo(6);
        assertThat(error(SI_VASP5.replace("0.25 0.25 0.25", "0x1p2 0.25 0.25")).line()).isEqualTo(10);
    }

    @Test
    void degenerateLatticeIsAParseError() {
        StructureParseException e = error(SI_VASP5.replace("0.0 0.0 5.43", "5.43 0.0 0.0"));
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).contains("degenerate");
    }

    @Test
    void emptyAndTruncatedHeadersAreParseErrors() {
        assertThat(error("").getMessage()).contains("empty");
        assertThat(error("   \n\n").getMessage()).contains("empty");
        assertThat(error("comment\n1.0\n1 0 0\n").getMessage()).contains("ends before");
    }

    @Test
    void writeThenReadGivesTheSameStructure() throws Exception {
        Lattice l = Lattice.fromParameters(4.1, 5.2, 6.3, 80, 95, 105);
        Structure s = Structure.builder().lattice(l)
                .addSite(Site.of(Element.of("Mg"), new double[] {0.1, 0.2, 0.3}))
                .addSite(Site.of(Element.of("Mg"), new double[] {0.6, 0.7, 0.8}))
                .addSite(Site.of(Element.of("O"), new double[] {1.0 / 3, 2.0 / 3, 0.123456789012345}))
                .siteProperty("selective_dynamics", new double[][] {{1, 1, 0}, {0, 0, 0}, {1, 0, 1}})
                .build();
        StringWriter w = new StringWriter();
        format.write(List.of(s), w);
        Structure back = read(w.toString());
        assertSame(s, back);
        assertThat(back.siteProperties().get("selective_dynamics")[2]).containsExactly(1, 0, 1);
        assertThat(w.toString()).contains("Selective dynamics").contains("Direct");
    }

    @Test
    void writerGroupsSpeciesInFirstAppearanceOrder() throws Exception {
        Lattice l = Lattice.fromParameters(5, 5, 5, 90, 90, 90);
        Structure s = Structure.builder().lattice(l)
                .addSite(Site.of(Element.of("Si"), new double[] {0, 0, 0}))
                .addSite(Site.of(Element.of("O"), new double[] {0.5, 0, 0}))
                .addSite(Site.of(Element.of("Si"), new double[] {0.5, 0.5, 0.5}))
                .build();
        StringWriter w = new StringWriter();
        format.write(List.of(s), w);
        assertThat(w.toString()).contains("\n Si O\n 2 1\n");
        Structure back = read(w.toString());
        assertThat(back.site(1).element().symbol()).isEqualTo("Si");
        assertThat(back.site(1).frac()).containsExactly(0.5, 0.5, 0.5);
        assertThat(back.site(2).element().symbol()).isEqualTo("O");
    }

    @Test
    void writerRefusesDisorderAndSeveralStructures() {
        Lattice l = Lattice.fromParameters(5, 5, 5, 90, 90, 90);
        Structure mixed = Structure.of(l, List.of(new Site(java.util.Map.of(Element.of("Fe"), 0.5), new double[3], "Fe")));
        assertThatThrownBy(() -> format.write(List.of(mixed), new StringWriter())).hasMessageContaining("disordered");
        Structure si = read(SI_VASP5);
        assertThatThrownBy(() -> format.write(List.of(si, si), new StringWriter())).hasMessageContaining("one structure");
    }

    @Test
    void looksLikeRecognisesBothLayouts() {
        assertThat(format.looksLike(SI_VASP5)).isTrue();
        assertThat(format.looksLike(SI_VASP5.replace("Si\n2", "2"))).isTrue();
        assertThat(format.looksLike("data_x\n_cell_length_a 5\n")).isFalse();
        assertThat(format.looksLike("2\ncomment\nSi 0 0 0\nSi 1 1 1\n")).isFalse();
    }

    static void assertSame(Structure a, Structure b) {
        assertThat(b.size()).isEqualTo(a.size());
        assertThat(b.lattice().equalsWithin(a.lattice(), 1e-10)).as("lattice %s vs %s", b.lattice(), a.lattice()).isTrue();
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.site(i).speciesString()).isEqualTo(a.site(i).speciesString());
            assertThat(b.site(i).frac()).containsExactly(a.site(i).frac(), within(1e-10));
        }
    }
}
