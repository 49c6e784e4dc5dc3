package org.xtal4j.io.extxyz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xtal4j.io.StructureParseException;
import org.xtal4j.structure.Structure;

class ExtXyzFormatTest {

    /** Two periodic frames with energies, forces and stresses (6- and 9-number forms). */
    private static final String TWO_FRAMES = """
            2
            Lattice="4.0 0.0 0.0 0.0 5.0 0.0 1.0 0.0 6.0" Properties=species:S:1:pos:R:3:forces:R:3 energy=-10.5 stress="1 2 3 4 5 6" config_type=bulk_cryst converged=T pbc="T T T"
            Si 0.0 0.0 0.0 0.1 0.2 0.3
            O  2.5 2.5 3.0 -0.1 -0.2 -0.3
            2
            Lattice="4.0 0.0 0.0 0.0 5.0 0.0 1.0 0.0 6.0" Properties=species:S:1:pos:R:3:forces:R:3 energy=-11.25 free_energy=-11.3 stress="1 0 0 0 2 0 0 0 3" note="two words" kpts="4 4 2"
            Si 0.1 0.0 0.0 0.0 0.0 0.0
            O  2.5 2.5 3.0 0.0 0.0 1e-3
            """;

    private static final String METHANE = """
            5
            Properties=species:S:1:pos:R:3:forces:R:3 energy=-1087.94 pbc="F F F"
            C        0.00000000       0.00000000       0.00000000       4.46550631      -1.08292805      -2.22026736
            H        1.19577180       0.69582632      -1.53777680      -1.73471174      -0.74169160       2.03607704
            H       -0.07590599       1.04620262       1.95058034      -3.07258741       2.40619985      -0.70252443
            H       -1.10813614       1.91728119       1.81155538       3.20720889      -2.57161596       0.43505193
            H        1.39764218      -0.98903322      -0.05350022      -2.86533480       1.98998331       0.45192918
            """;

    private final ExtXyzFormat format = new ExtXyzFormat();

    private List<Structure> read(String text) {
        return format.read(text, "test.extxyz", w -> { });
    }

    private StructureParseException error(String text) {
        try {
            format.read(text, "bad.extxyz", w -> { });
        } catch (StructureParseException e) {
            assertThat(e.getMessage()).startsWith("bad.extxyz");
            return e;
        }
        throw new AssertionError("expected a StructureParseException");
    }

    @Test
    void readsSeveralFramesWithInfoAndForces() {
        List<Structure> frames = read(TWO_FRAMES);
        assertThat(frames).hasSize(2);
        Structure f = frames.get(0);
        assertThat(f.size()).isEqualTo(2);
        assertThat(f.isFullyPeriodic()).isTrue();
        assertThat(f.lattice().vector(2)).containsExactly(1.0, 0.0, 6.0);
        // Cartesian (2.5, 2.5, 3.0) → fractional with a skewed c vector
        assertThat(f.site(1).frac()).containsExactly(new double[] {0.5, 0.5, 0.5}, within(1e-12));
        assertThat(f.cartesian(1)).containsExactly(new double[] {2.5, 2.5, 3.0}, within(1e-12));
        assertThat(f.properties().get("energy")).isEqualTo(-10.5);
        assertThat(f.properties().get("config_type")).isEqualTo("bulk_cryst");
        assertThat(f.properties().get("converged")).isEqualTo(Boolean.TRUE);
        // Voigt xx yy zz yz xz xy → 3×3 row-major
        assertThat((double[]) f.properties().get("stress")).containsExactly(1, 6, 5, 6, 2, 4, 5, 4, 3);
        assertThat(f.siteProperties().get("forces")[1]).containsExactly(-0.1, -0.2, -0.3);

        Structure g = frames.get(1);
        assertThat(g.properties().get("free_energy")).isEqualTo(-11.3);
        assertThat((double[]) g.properties().get("stress")).containsExactly(1, 0, 0, 0, 2, 0, 0, 0, 3);
        assertThat(g.properties().get("note")).isEqualTo("two words");
        assertThat((double[]) g.properties().get("kpts")).containsExactly(4, 4, 2);
        assertThat(g.siteProperties().get("forces")[1][2]).isEqualTo(1e-3);
        assertThat(g.properties()).doesNotContainKeys("Lattice", "Properties", "pbc");
    }

    @Test
    void moleculeWithoutLatticeGetsAnExactVacuumBox() {
        Structure m = read(METHANE).get(0);
        assertThat(m.pbc()).containsExactly(false, false, false);
        assertThat(m.lattice().a()).isEqualTo(128.0);
        assertThat(m.lattice().alpha()).isEqualTo(90.0);
        assertThat(m.cartesian(3)).containsExactly(-1.10813614, 1.91728119, 1.81155538);
        assertThat(m.properties().get("energy")).isEqualTo(-1087.94);
        assertThat(m.siteProperties().get("forces")[0]).containsExactly(4.46550631, -1.08292805, -2.22026736);
    }

    @Test
    void aseSingularForceColumnAndOtherColumns() {
        String text = """
                2
                Lattice="3 0 0 0 3 0 0 0 3" Properties=species:S:1:pos:R:3:frac_pos:R:3:force:R:3:tags:I:1:fixed:L:1:name:S:1 energy=-1.0
                C 0 0 0 0 0 0 1 2 3 7 T a
                C 1.5 1.5 1.5 0.5 0.5 0.5 -1 -2 -3 8 F b
                """;
        List<String> warnings = new ArrayList<>();
        Structure s = format.read(text, "c.xyz", warnings::add).get(0);
        assertThat(s.isFullyPeriodic()).isTrue(); // Lattice without pbc means periodic (ASE)
        assertThat(s.siteProperties()).containsOnlyKeys("frac_pos", "forces", "tags", "fixed");
        assertThat(s.siteProperties().get("forces")[1]).containsExactly(-1, -2, -3);
        assertThat(s.siteProperties().get("tags")[1]).containsExactly(8);
        assertThat(s.siteProperties().get("fixed")[0]).containsExactly(1);
        assertThat(warnings).anyMatch(w -> w.contains("'name'"));
    }

    @Test
    void plainXyzAndAtomicNumbers() {
        String plain = """
                3
                water molecule
                O 0.0 0.0 0.0
                H 0.757 0.586 0.0
                H -0.757 0.586 0.0
                """;
        Structure w = read(plain).get(0);
        assertThat(w.size()).isEqualTo(3);
        assertThat(w.pbc()).containsExactly(false, false, false);
        assertThat(w.properties().get("comment")).isEqualTo("water molecule");
        assertThat(w.cartesian(2)).containsExactly(-0.757, 0.586, 0.0);

        String numbers = "1\nProperties=Z:I:1:pos:R:3\n8 0 0 0\n";
        assertThat(read(numbers).get(0).site(0).element().symbol()).isEqualTo("O");
    }

    @Test
    void countLargerThanTheLinesPresent() {
        StructureParseException e = error(METHANE.replace("5\nProp", "7\nProp"));
        assertThat(e.getMessage()).contains("promises 7 atoms").contains("after 5");
        // inside a multi-frame file the next count line is caught
        StructureParseException e2 = error(TWO_FRAMES.replaceFirst("2\nLattice", "3\nLattice"));
        assertThat(e2.line()).isEqualTo(5);
        assertThat(e2.getMessage()).contains("next frame");
    }

    @Test
    void badNumbersAndColumnCountsNameTheLine() {
        StructureParseException bad = error(METHANE.replace("1.04620262", "1.0462O262"));
        assertThat(bad.line()).isEqualTo(5);
        assertThat(bad.getMessage()).contains("'pos'").contains("1.0462O262");
        StructureParseException cols = error(METHANE.replace("      0.45192918", ""));
        assertThat(cols.line()).isEqualTo(7);
        assertThat(cols.getMessage()).contains("expected 7 columns").contains("found 6");
        assertThat(error(METHANE.replace("H        1.19577180", "Qq        1.19577180")).line()).isEqualTo(4);
        assertThat(error("x\ncomment\nH 0 0 0\n").line()).isEqualTo(1);
    }

    @Test
    void malformedHeadersAreRejected() {
        String head = TWO_FRAMES.substring(0, TWO_FRAMES.indexOf("\n5\n") > 0 ? TWO_FRAMES.indexOf("\n5\n") : TWO_FRAMES.length());
        assertThat(error(head.replace("\"4.0 0.0 0.0 0.0 5.0 0.0 1.0 0.0 6.0\"", "\"4 0 0 0 5 0\"")).getMessage())
                .contains("Lattice needs 9 numbers");
        assertThat(error(head.replace("\"4.0 0.0 0.0 0.0 5.0 0.0 1.0 0.0 6.0\"", "\"4 0 0 8 0 0 0 0 6\"")).getMessage())
                .contains("degenerate");
        assertThat(error(head.replace("stress=\"1 2 3 4 5 6\"", "stress=\"1 2 3\"")).line()).isEqualTo(2);
        assertThat(error(head.replace("pbc=\"T T T\"", "pbc=\"T T T")).getMessage()).contains("never closed");
        assertThat(error(head.replace("species:S:1:pos:R:3", "species:S:1:pos:X:3")).line()).isEqualTo(2);
        assertThat(error(METHANE.replace("pbc=\"F F F\"", "pbc=\"T T T\"")).getMessage()).contains("no Lattice");
        assertThat(error("").getMessage()).contains("empty");
    }

    @Test
    void roundTripKeepsLatticeSitesForcesAndInfo() throws Exception {
        List<Structure> frames = read(TWO_FRAMES);
        StringWriter w = new StringWriter();
        format.write(frames, w);
        List<Structure> back = read(w.toString());
        assertThat(back).hasSize(2);
        for (int k = 0; k < 2; k++) {
            Structure a = frames.get(k);
            Structure b = back.get(k);
            assertThat(b.lattice().equalsWithin(a.lattice(), 1e-10)).isTrue();
            for (int i = 0; i < a.size(); i++) {
                assertThat(b.site(i).speciesString()).isEqualTo(a.site(i).speciesString());
                assertThat(b.site(i).frac()).containsExactly(a.site(i).frac(), within(1e-10));
                assertThat(b.siteProperties().get("forces")[i]).containsExactly(a.siteProperties().get("forces")[i]);
            }
            assertThat(b.properties().get("energy")).isEqualTo(a.properties().get("energy"));
            assertThat((double[]) b.properties().get("stress")).containsExactly((double[]) a.properties().get("stress"));
        }
        assertThat(back.get(1).properties().get("note")).isEqualTo("two words");
        assertThat(back.get(0).properties().get("converged")).isEqualTo(Boolean.TRUE);
    }

    @Test
    void moleculeRoundTripLeavesTheBoxOut() throws Exception {
        Structure m = read(METHANE).get(0);
        StringWriter w = new StringWriter();
        format.write(List.of(m), w);
        assertThat(w.toString()).doesNotContain("Lattice=").contains("pbc=\"F F F\"");
        Structure back = read(w.toString()).get(0);
        assertThat(back.lattice()).isEqualTo(m.lattice());
        for (int i = 0; i < m.size(); i++) {
            assertThat(back.cartesian(i)).containsExactly(m.cartesian(i));
        }
    }

    @Test
    void looksLike() {
        assertThat(format.looksLike(METHANE)).isTrue();
        assertThat(format.looksLike("3\nwater\nO 0 0 0\nH 1 0 0\nH 0 1 0\n")).isTrue();
        assertThat(format.looksLike("Si\n1.0\n5 0 0\n0 5 0\n0 0 5\nSi\n1\nDirect\n0 0 0\n")).isFalse();
        assertThat(format.looksLike("{\"lattice\": {}}")).isFalse();
    }
}
