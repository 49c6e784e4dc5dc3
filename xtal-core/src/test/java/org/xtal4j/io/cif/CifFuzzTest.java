package org.xtal4j.io.cif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xtal4j.io.StructureParseException;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/**
 * Property test: every mutation of a valid CIF (truncation, byte flips, deleted / duplicated /
 * swapped lines, random bytes) either reads as valid structures or fails with
 * StructureParseException, never another exception and never a hang.
 */
class CifFuzzTest {

    private static final String BASE = "# hand-written test file\n"
            + "data_Mg2SiO4_like\n"
            + "_publ_section_title\n;\nA made-up structure with 'quotes' and \"double quotes\"\n;\n"
            + "_chemical_name_common 'it's fake'\n"
            + "_cell_length_a 4.7540(3)\n_cell_length_b 10.1970(7)\n_cell_length_c 5.9780(4)\n"
            + "_cell_angle_alpha 90\n_cell_angle_beta 90.5(1)\n_cell_angle_gamma 90\n"
            + "_symmetry_space_group_name_H-M 'P 1 21/c 1'\n"
            + "_symmetry_space_group_name_Hall '-P 2ybc'\n"
            + "loop_\n_symmetry_equiv_pos_id\n_symmetry_equiv_pos_as_xyz\n"
            + "1 x,y,z\n2 -x,y+1/2,-z+1/2\n3 -x,-y,-z\n4 'x, -y+1/2, z+1/2'\n"
            + "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n"
            + "_atom_site_fract_z\n_atom_site_occupancy\n_atom_site_calc_flag\n"
            + "Mg1 Mg2+ 0 0 0 1 d\n"
            + "Fe2 Fe2+ 0.9916(2) 0.2776(1) 0.25 0.5 d\n"
            + "Mg2 Mg2+ 0.9916(2) 0.2776(1) 0.25 0.5 d\n"
            + "Si1 Si4+ 0.4262(3) 0.0940(1) 0.25 1 d\n"
            + "O1 O2- 0.7657(5) 0.0913(2) 0.25 1 d\n"
            + "O2 O2- 0.2215(5) 0.4474(2) 0.25 1 d\n"
            + "O3 O2- 0.2777(4) 0.1628(2) 0.0331(3) 1 d\n"
            + "H9 H -1 -1 -1 5 dum\n"
            + "loop_\n_atom_type_symbol\n_atom_type_oxidation_number\nMg2+ 2\nSi4+ 4\nO2- -2\n"
            + "_eof\n";

    private final CifFormat cif = new CifFormat();

    @Test
    void baseFileIsValid() {
        List<Structure> s = cif.read(BASE, "base.cif", w -> { });
        assertThat(s).hasSize(1);
        assertThat(s.get(0).size()).isEqualTo(2 + 5 * 4); // Mg1 on an inversion centre, five general positions
        assertThat(s.get(0).isOrdered()).isFalse();
    }

    @Test
    void mutationsNeverThrowAnythingElseAndNeverHang() {
        Random random = new Random(20261122L);
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            inputs.add(mutate(BASE, random));
        }
        for (int i = 0; i < 200; i++) {
            byte[] bytes = new byte[1 + random.nextInt(1024)];
            random.nextBytes(bytes);
            inputs.add(new String(bytes, StandardCharsets.ISO_8859_1));
            inputs.add("data_x\n" + new String(bytes, StandardCharsets.ISO_8859_1));
        }
        int[] outcome = new int[2];
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (String input : inputs) {
                outcome[check(input)]++;
            }
        });
        // the mutations exercise both paths
        assertThat(outcome[0]).as("inputs read as structures").isGreaterThan(100);
        assertThat(outcome[1]).as("inputs rejected").isGreaterThan(100);
    }

    /** 0 when read as valid structures, 1 when rejected with StructureParseException. */
    private int check(String input) {
        try {
            List<Structure> structures = cif.read(input, "fuzz.cif", w -> { });
            assertThat(structures).isNotEmpty();
            for (Structure s : structures) {
                assertThat(s.size()).isPositive();
                assertThat(s.volume()).isPositive().isFinite();
                for (Site site : s.sites()) {
                    for (double f : site.frac()) {
                        assertThat(f).isGreaterThanOrEqualTo(0).isLessThan(1);
                    }
                    assertThat(site.totalOccupancy()).isLessThanOrEqualTo(1 + Site.OCCUPANCY_TOLERANCE);
                }
            }
            return 0;
        } catch (StructureParseException e) {
            assertThat(e.getMessage()).startsWith("fuzz.cif");
            return 1;
        } catch (RuntimeException | Error e) {
            fail("unexpected " + e + " for input:\n" + input, e);
            return -1;
        }
    }

    static String mutate(String base, Random r) {
        List<String> lines = new ArrayList<>(Arrays.asList(base.split("\n", -1)));
        int kind = r.nextInt(7);
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n; k++) {
            switch (kind) {
                case 0:
                    return base.substring(0, r.nextInt(base.length() + 1));
                case 1: {
                    char[] c = String.join("\n", lines).toCharArray();
                    c[r.nextInt(c.length)] = (char) r.nextInt(256);
                    lines = new ArrayList<>(Arrays.asList(new String(c).split("\n", -1)));
                    break;
                }
                case 2:
                    lines.remove(r.nextInt(lines.size()));
                    break;
                case 3: {
                    int i = r.nextInt(lines.size());
                    lines.add(i, lines.get(i));
                    break;
                }
                case 4: {
                    int i = r.nextInt(lines.size());
                    int j = r.nextInt(lines.size());
                    String t = lines.get(i);
                    lines.set(i, lines.get(j));
                    lines.set(j, t);
                    break;
                }
                case 5: {
                    char[] c = String.join("\n", lines).toCharArray();
                    char[] pick = {'\'', '"', ';', '#', '_', '?', '.', '(', '\r', ' ', '\t', '-', '0', '\u0000', '\u00ff'};
                    c[r.nextInt(c.length)] = pick[r.nextInt(pick.length)];
                    lines = new ArrayList<>(Arrays.asList(new String(c).split("\n", -1)));
                    break;
                }
                default: {
                    int i = r.nextInt(lines.size());
                    String line = lines.get(i);
                    int cut = line.isEmpty() ? 0 : r.nextInt(line.length());
                    lines.set(i, line.substring(0, cut));
                    break;
                }
            }
        }
        return String.join("\n", lines);
    }
}
