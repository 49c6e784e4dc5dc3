package org.xtal4j.io.cif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xtal4j.io.StructureParseException;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/** Reading small hand-written CIFs: symmetry sources, tolerated quirks, and every error class. */
class CifFormatTest {

    static final String CELL_5_64 = "_cell_length_a 5.64\n_cell_length_b 5.64\n_cell_length_c 5.64\n"
            + "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n";

    static final String ATOMS_NACL = "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n"
            + "_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n"
            + "Na1 Na+ 0 0 0 1.0\nCl1 Cl- 0.5 0.5 0.5 1.0\n";

    /** Rock salt, symmetry from the H-M symbol only. */
    static final String NACL = "data_NaCl\n" + CELL_5_64 + "_symmetry_space_group_name_H-M 'F m -3 m'\n" + ATOMS_NACL;

    private final CifFormat cif = new CifFormat();
    private final List<String> warnings = new ArrayList<>();

    private List<Structure> read(String text) {
        return cif.read(text, "t.cif", warnings::add);
    }

    private Structure one(String text) {
        List<Structure> s = read(text);
        assertThat(s).hasSize(1);
        return s.get(0);
    }

    @Test
    void formatIdentity() {
        assertThat(cif.name()).isEqualTo("cif");
        assertThat(cif.extensions()).containsExactly(".cif");
        assertThat(cif.looksLike("# comment\ndata_x\n_cell_length_a 1")).isTrue();
        assertThat(cif.looksLike("Si\n1.0\n5.43 0 0\n")).isFalse();
    }

    @Test
    void rockSaltFromHermannMauguinSymbol() {
        Structure s = one(NACL);
        assertThat(s.size()).isEqualTo(8);
        assertThat(s.composition().amount(Element.of("Na"))).isEqualTo(4.0);
        assertThat(s.composition().amount(Element.of("Cl"))).isEqualTo(4.0);
        assertThat(s.lattice().a()).isEqualTo(5.64);
        // 4 × 58.443 g/mol in (5.64 Å)³: the textbook 2.164 g/cm³
        assertThat(s.density()).isCloseTo(2.1637, within(1e-3));
        assertThat(s.isOrdered()).isTrue();
        // Fm-3m has one setting: nothing was chosen for the user, so nothing to warn about
        assertThat(warnings).isEmpty();
    }

    @Test
    void siliconFromHallSymbolAndFromOriginChoices() {
        String cell = "_cell_length_a 5.4310(2)\n_cell_length_b 5.4310(2)\n_cell_length_c 5.4310(2)\n"
                + "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n";
        String origin2 = "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
                + "Si1 0.125 0.125 0.125\n";
        String origin1 = "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
                + "Si1 0 0 0\n";
        Structure hall = one("data_Si\n" + cell + "_symmetry_space_group_name_Hall '-F 4vw 2vw 3'\n" + origin2);
        assertThat(hall.size()).isEqualTo(8);
        assertThat(hall.lattice().a()).isEqualTo(5.4310);
        assertThat(one("data_Si\n" + cell + "_space_group_name_H-M_alt 'F d -3 m :2'\n" + origin2).size()).isEqualTo(8);
        // a Hall symbol or an explicit origin choice names one setting: no warning
        assertThat(warnings).isEmpty();
        assertThat(one("data_Si\n" + cell + "_symmetry_space_group_name_H-M 'F d -3 m'\n" + origin1).size()).isEqualTo(8);
        // without ':1'/':2' the origin choice is ours (origin 1, as pymatgen): say so
        assertThat(warnings).singleElement().asString().contains("F d -3 m").contains("no setting given");
        warnings.clear();
        assertThat(one("data_Si\n" + cell + "_symmetry_Int_Tables_number 227\n" + origin1).size()).isEqualTo(8);
        assertThat(warnings).singleElement().asString().contains("space-group number 227");
        warnings.clear();
        // Hall wins over H-M; an unknown Hall symbol falls back to the H-M symbol
        assertThat(one("data_Si\n" + cell + "_symmetry_space_group_name_Hall 'nonsense'\n"
                + "_symmetry_space_group_name_H-M 'F d -3 m :1'\n" + origin1).size()).isEqualTo(8);
    }

    @Test
    void operationLoopWinsOverSymbols() {
        String text = "data_x\n_cell_length_a 4\n_cell_length_b 5\n_cell_length_c 6\n_cell_angle_alpha 80\n"
                + "_cell_angle_beta 85\n_cell_angle_gamma 95\n_symmetry_space_group_name_H-M 'P 42/m m c S'\n"
                + "_symmetry_Int_Tables_number 131\n"
                + "loop_\n_space_group_symop_id\n_space_group_symop_operation_xyz\n1 'x, y, z'\n2 '-x, -y, -z'\n"
                + "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
                + "O1 0.1 0.2 0.3\nO2 0 0 0\n";
        Structure s = one(text);
        assertThat(s.size()).isEqualTo(3);
        assertThat(s.lattice().gamma()).isCloseTo(95, within(1e-9));
        assertThat(warnings).isEmpty();
    }

    @Test
    void ddlmDottedTagsReadLikeUnderscoreTags() {
        String dotted = "data_NaCl\n_cell.length_a 5.64\n_cell.length_b 5.64\n_cell.length_c 5.64\n"
                + "_cell.angle_alpha 90\n_cell.angle_beta 90\n_cell.angle_gamma 90\n"
                + "_space_group.name_H-M_alt 'F m -3 m'\n"
                + "loop_\n_atom_site.label\n_atom_site.type_symbol\n_atom_site.fract_x\n_atom_site.fract_y\n"
                + "_atom_site.fract_z\nNa1 Na 0 0 0\nCl1 Cl 0.5 0.5 0.5\n";
        assertSameSites(one(dotted), one(NACL));
        String loop = "data_x\n" + CELL_5_64 + "loop_\n_space_group_symop.id\n_space_group_symop.operation_xyz\n"
                + "1 x,y,z\n2 -x,-y,-z\nloop_\n_atom_site.label\n_atom_site.fract_x\n_atom_site.fract_y\n"
                + "_atom_site.fract_z\nNa1 0.1 0.2 0.3\n";
        assertThat(one(loop).size()).isEqualTo(2);
    }

    @Test
    void crlfFileEqualsLfFile() {
        assertSameSites(one(NACL.replace("\n", "\r\n")), one(NACL));
    }

    @Test
    void chargesInTypeSymbolsAndMixedSites() {
        String text = "data_x\n" + CELL_5_64 + "loop_\n_symmetry_equiv_pos_as_xyz\n'x, y, z'\n"
                + "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n"
                + "_atom_site_fract_z\n_atom_site_occupancy\n"
                + "Sr1 Sr2+ 0 0 0 0.7\nY1 Y3+ 0 0 0 0.3\nO1 O2- 0.5 0.5 0.5 1\n";
        Structure s = one(text);
        assertThat(s.size()).isEqualTo(2);
        assertThat(s.isOrdered()).isFalse();
        Site mixed = s.sites().stream().filter(x -> !x.isOrdered()).findFirst().orElseThrow();
        assertThat(mixed.species()).isEqualTo(Map.of(Element.of("Sr"), 0.7, Element.of("Y"), 0.3));
        assertThat(mixed.speciesString()).isEqualTo("Sr:0.7 Y:0.3");
    }

    @Test
    void elementFromLabelWhenThereIsNoTypeSymbol() {
        String text = "data_x\n" + CELL_5_64 + "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n"
                + "_atom_site_fract_z\nCa1 0 0 0\nO(1) 0.5 0 0\nCL2 0 0.5 0\nWat3 0 0 0.5\nD 0.5 0.5 0\nNO3a 0.5 0 0.5\n"
                + "OH1 0 0.5 0.5\n";
        Structure s = one(text);
        assertThat(s.sites()).extracting(Site::speciesString).containsExactlyInAnyOrder("Ca", "O", "Cl", "O", "H", "N", "O");
        assertThat(warnings).anyMatch(w -> w.contains("Wat3") && w.contains(" O"));
        assertThat(warnings).anyMatch(w -> w.contains("deuterium"));
    }

    @Test
    void dummyAndCentroidPseudoAtomsAreSkippedWithAWarning() {
        String text = "data_x\n" + CELL_5_64 + "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n"
                + "_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n_atom_site_calc_flag\n"
                + "Na1 Na 0 0 0 1 d\nH9 H -1 -1 -1 5 dum\nCg1 . 0.5 0.5 0.5 1 .\nCl1 Cl 0.5 0 0 0 d\n";
        Structure s = one(text);
        assertThat(s.sites()).extracting(Site::speciesString).containsExactly("Na");
        assertThat(warnings).anyMatch(w -> w.startsWith("t.cif:17:") && w.contains("dummy") && w.contains("H9"));
        assertThat(warnings).anyMatch(w -> w.startsWith("t.cif:18:") && w.contains("Cg1") && w.contains("pseudo-atom"));
        assertThat(warnings).anyMatch(w -> w.startsWith("t.cif:19:") && w.contains("occupancy 0"));
        String centroidByLabel = "data_x\n" + CELL_5_64 + "loop_\n_atom_site_label\n_atom_site_fract_x\n"
                + "_atom_site_fract_y\n_atom_site_fract_z\nNa1 0 0 0\nCg2 0.5 0.5 0.5\n";
        assertThat(one(centroidByLabel).size()).isEqualTo(1);
    }

    @Test
    void severalBlocksGiveSeveralStructuresAndStructurelessBlocksAreSkipped() {
        String text = "data_global\n_publ_section_title 'two phases'\n" + NACL + NACL.replace("data_NaCl", "data_second")
                .replace("5.64", "5.70");
        List<Structure> s = read(text);
        assertThat(s).hasSize(2);
        assertThat(s.get(0).lattice().a()).isEqualTo(5.64);
        assertThat(s.get(1).lattice().a()).isEqualTo(5.70);
    }

    @Test
    void rhombohedralAxesAreUsedForAnRSymbolOnARhombohedralCell() {
        String text = "data_x\n_cell_length_a 3.635\n_cell_length_b 3.635\n_cell_length_c 3.635\n"
                + "_cell_angle_alpha 39.5\n_cell_angle_beta 39.5\n_cell_angle_gamma 39.5\n"
                + "_symmetry_space_group_name_H-M 'R -3 m'\n"
                + "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
                + "C1 0.16667 0.16667 0.16667\n";
        assertThat(one(text).size()).isEqualTo(2);
    }

    @Test
    void quirksThatAreTolerated() {
        // missing angles default to 90°, no symmetry at all means P1, a value-less trailing _eof is fine
        String text = "data_x\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\n"
                + "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
                + "Fe1 0.5 0.5 1.5\n_eof\n";
        Structure s = one(text);
        assertThat(s.lattice().alpha()).isCloseTo(90, within(1e-9));
        assertThat(s.site(0).frac()).containsExactly(0.5, 0.5, 0.5);
        assertThat(warnings).anyMatch(w -> w.contains("_cell_angle_alpha is missing"));
        assertThat(warnings).anyMatch(w -> w.contains("assuming P1"));
    }

    @Test
    void everyErrorNamesFileLineAndProblem() {
        expectError(NACL.replace("_cell_length_b 5.64\n", ""), 1, "_cell_length_b is missing");
        expectError(NACL.replace("_cell_length_c 5.64", "_cell_length_c ?"), 4, "'?'");
        expectError(NACL.replace("_cell_length_a 5.64", "_cell_length_a five"), 2, "'five', not a number");
        expectError(NACL.replace("_cell_angle_gamma 90", "_cell_angle_gamma 180"), 2, "not a valid lattice");
        expectError(NACL.replace("_cell_length_a 5.64", "_cell_length_a -5"), 2, "cell length");
        expectError(NACL.replace("Cl1 Cl-", "Cl1 Qq"), 17, "'Qq' is not an element");
        expectError(NACL.replace("Cl1 Cl- 0.5", "Cl1 Cl- ?"), 17, "fractional x is '?'");
        expectError(NACL.replace("Cl1 Cl- 0.5 0.5", "Cl1 Cl- 0.5 abc"), 17, "fractional y 'abc'");
        expectError(NACL.replace("Cl1 Cl- 0.5 0.5 0.5 1.0", "Cl1 Cl- 0.5 0.5 0.5 x"), 17, "occupancy 'x'");
        expectError(NACL.replace("Cl1 Cl- 0.5 0.5 0.5", "Cl1 Na 0 0 0"), 17, "add up to 2 > 1");
        expectError(NACL.replace("'F m -3 m'", "'X 9'"), 1, "'X 9' could not be resolved");
        expectError("data_x\n" + CELL_5_64 + "loop_\n_symmetry_equiv_pos_as_xyz\nx,y,z\n-x,-q,z\n" + ATOMS_NACL, 11,
                "unknown symbol 'q'");
        expectError("data_x\n" + CELL_5_64 + "loop_\n_symmetry_equiv_pos_as_xyz\nx,y,z\n'-x,-y'\n" + ATOMS_NACL, 11,
                "2 components");
        expectError("data_x\n" + CELL_5_64 + "_symmetry_space_group_name_H-M 'P 1'\n", 1, "no atom sites");
        expectError("data_a\n_x 1\ndata_b\n_y 2\n", 3, "none of the 2 data blocks has atom sites");
        expectError("data_x\n" + CELL_5_64 + "loop_\n_atom_site_label\n_atom_site_Cartn_x\nNa1 0\n", 1, "Cartesian");
        expectError(NACL + "_cell_length_a 6\n", 18, "_cell_length_a appears twice");
        expectError(NACL.replace("Cl1 Cl- 0.5 0.5 0.5 1.0", "Cl1 Cl- 0.5 0.5 0.5 1.0\nBr1"), 9, "not a multiple");
    }

    private void expectError(String text, int line, String problem) {
        assertThatThrownBy(() -> read(text))
                .isInstanceOf(StructureParseException.class)
                .hasMessageStartingWith("t.cif:" + line + ": ")
                .hasMessageContaining(problem);
    }

    static void assertSameSites(Structure a, Structure b) {
        assertThat(a.size()).isEqualTo(b.size());
        assertThat(a.lattice().equalsWithin(b.lattice(), 1e-9)).isTrue();
        boolean[] used = new boolean[b.size()];
        for (Site s : a.sites()) {
            int found = -1;
            for (int j = 0; j < b.size() && found < 0; j++) {
                Site t = b.site(j);
                if (!used[j] && t.species().keySet().equals(s.species().keySet())
                        && CifCorpusTest.periodicClose(s.frac(), t.frac(), 1e-6)) {
                    found = j;
                }
            }
            assertThat(found).as("site " + s + " has no partner").isGreaterThanOrEqualTo(0);
            used[found] = true;
        }
    }
}
