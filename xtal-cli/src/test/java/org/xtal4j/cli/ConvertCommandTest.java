package org.xtal4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.io.StructureIO;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/** {@code xtal convert}: formats, cell operations, refusals. */
class ConvertCommandTest {

    @TempDir
    Path dir;

    private static Structure readOne(Path p) throws IOException {
        List<Structure> all = StructureIO.read(p, w -> { });
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    @Test
    void cifToPoscarToCifKeepsCellAndSites() throws IOException {
        Path vasp = dir.resolve("rutile.vasp");
        Path cif = dir.resolve("rutile.cif");
        Cli.Result r1 = Cli.run("convert", Cli.example("TiO2-rutile.cif"), vasp.toString());
        assertThat(r1.status()).as(r1.toString()).isZero();
        assertThat(Files.readString(vasp)).doesNotContain("data_"); // really a POSCAR
        Cli.Result r2 = Cli.run("convert", vasp.toString(), cif.toString());
        assertThat(r2.status()).as(r2.toString()).isZero();
        assertThat(Files.readString(cif)).contains("data_");

        Structure original = readOne(Path.of(Cli.example("TiO2-rutile.cif")));
        Structure back = readOne(cif);
        assertSameLattice(back.lattice(), original.lattice());
        assertSameSites(back, original);
    }

    @Test
    void extxyzFramesSurviveConversionToCif() throws IOException {
        Path cif = dir.resolve("cu.cif");
        Cli.Result r = Cli.run("convert", Cli.example("Cu-fcc-2frames.extxyz"), cif.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        List<Structure> back = StructureIO.read(cif, w -> { });
        List<Structure> original = StructureIO.read(Path.of(Cli.example("Cu-fcc-2frames.extxyz")), w -> { });
        assertThat(back).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertSameLattice(back.get(i).lattice(), original.get(i).lattice());
            assertSameSites(back.get(i), original.get(i));
        }
    }

    @Test
    void primitiveOfDiamondHasTwoAtomsAndAQuarterOfTheVolume() throws IOException {
        Path out = dir.resolve("si.vasp");
        Cli.Result r = Cli.run("convert", "--primitive", Cli.example("Si-diamond.cif"), out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        Structure p = readOne(out);
        assertThat(p.size()).isEqualTo(2);
        assertThat(p.volume()).isCloseTo(Math.pow(5.431, 3) / 4, within(1e-6));
    }

    @Test
    void niggliOfThePrimitiveFccCellIsTheSixtyDegreeRhombohedron() throws IOException {
        Path out = dir.resolve("si-niggli.cif");
        Cli.Result r = Cli.run("convert", "--primitive", "--niggli", Cli.example("Si-diamond.cif"), out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        Structure n = readOne(out);
        double edge = 5.431 / Math.sqrt(2);
        assertThat(n.size()).isEqualTo(2);
        assertThat(lengths(n)).containsExactly(new double[] {edge, edge, edge}, within(1e-6));
        for (double angle : new double[] {n.lattice().alpha(), n.lattice().beta(), n.lattice().gamma()}) {
            assertThat(angle).isCloseTo(60, within(1e-6));
        }
    }

    @Test
    void niggliKeepsAReducedCellReduced() throws IOException {
        Path out = dir.resolve("zno.cif");
        Cli.Result r = Cli.run("convert", "--niggli", Cli.example("ZnO-wurtzite.cif"), out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        Structure n = readOne(out);
        assertThat(n.size()).isEqualTo(4);
        assertThat(n.volume()).isCloseTo(3.2495 * 3.2495 * 5.2069 * Math.sqrt(3) / 2, within(1e-6));
        assertThat(lengths(n)).containsExactly(new double[] {3.2495, 3.2495, 5.2069}, within(1e-6));
    }

    @Test
    void supercellTwoByTwoByTwoHasEightTimesTheSites() throws IOException {
        Path out = dir.resolve("nacl-222.extxyz");
        Cli.Result r = Cli.run("convert", "--supercell", "2x2x2", Cli.example("NaCl-rocksalt.cif"), out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        Structure s = readOne(out);
        assertThat(s.size()).isEqualTo(64);
        assertThat(s.volume()).isCloseTo(8 * Math.pow(5.640, 3), within(1e-6));
        assertThat(s.composition().reducedFormula()).isEqualTo("NaCl");
    }

    @Test
    void supercellFromNineIntegers() throws IOException {
        Path out = dir.resolve("srtio3.cif");
        Cli.Result r = Cli.run("convert", "--supercell", "2 0 0 0 2 0 0 0 1",
                Cli.example("SrTiO3-perovskite.cif"), out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        Structure s = readOne(out);
        assertThat(s.size()).isEqualTo(20);
        assertThat(s.lattice().c()).isCloseTo(3.905, within(1e-9));
    }

    @Test
    void operationsRunPrimitiveThenSupercell() throws IOException {
        Path out = dir.resolve("si.extxyz");
        Cli.Result r = Cli.run("convert", "--supercell", "2x2x2", "--primitive",
                Cli.example("Si-diamond.cif"), out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(readOne(out).size()).isEqualTo(16); // 8 -> 2 -> 16, not 8 -> 64 -> 2
    }

    @Test
    void toForcesTheFormat() throws IOException {
        Path out = dir.resolve("fe.txt");
        Cli.Result r = Cli.run("convert", "--to", "cif", Cli.example("Fe-bcc.vasp"), out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(Files.readString(out)).contains("data_");
    }

    @Test
    void refusesToOverwriteTheInput() throws IOException {
        Path in = dir.resolve("cscl.cif");
        Files.copy(Path.of(Cli.example("CsCl.cif")), in);
        String before = Files.readString(in);
        Cli.Result r = Cli.run("convert", in.toString(), in.toString());
        assertThat(r.status()).isEqualTo(Xtal.USAGE);
        Files.createDirectories(dir.resolve("sub"));
        r = Cli.run("convert", in.toString(), dir.resolve("sub/../cscl.cif").toString());
        assertThat(r.status()).isEqualTo(Xtal.USAGE);
        assertThat(r.err()).contains("refusing to overwrite");
        assertThat(Files.readString(in)).isEqualTo(before);
    }

    @Test
    void severalStructuresDoNotFitAPoscar() throws IOException {
        Path out = dir.resolve("cu.vasp");
        Cli.Result r = Cli.run("convert", Cli.example("Cu-fcc-2frames.extxyz"), out.toString());
        assertThat(r.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(r.err()).startsWith("xtal: " + out).contains("--index");
        assertThat(out).doesNotExist();

        r = Cli.run("convert", "--index", "1", Cli.example("Cu-fcc-2frames.extxyz"), out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(readOne(out).size()).isEqualTo(4);
    }

    @Test
    void disorderedStructureCannotBecomeAPoscar() throws IOException {
        Path cif = dir.resolve("mixed.cif");
        Files.writeString(cif, String.join("\n",
                "data_mixed",
                "_cell_length_a 4.0", "_cell_length_b 4.0", "_cell_length_c 4.0",
                "_cell_angle_alpha 90", "_cell_angle_beta 90", "_cell_angle_gamma 90",
                "_symmetry_space_group_name_H-M 'P 1'",
                "loop_", "_atom_site_label", "_atom_site_type_symbol",
                "_atom_site_fract_x", "_atom_site_fract_y", "_atom_site_fract_z", "_atom_site_occupancy",
                "Fe1 Fe 0 0 0 0.5", "Mg1 Mg 0 0 0 0.5", "O1 O 0.5 0.5 0.5 1", ""));
        Cli.Result info = Cli.run("info", "--json", cif.toString());
        assertThat(info.status()).as(info.toString()).isZero();
        assertThat(info.json().get("ordered").asBoolean()).isFalse();
        assertThat(info.json().get("n_sites").asInt()).isEqualTo(2);

        Path out = dir.resolve("mixed.vasp");
        Cli.Result r = Cli.run("convert", cif.toString(), out.toString());
        assertThat(r.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(r.err()).contains("xtal: " + out + ": ").contains("disordered").doesNotContain("\tat ");
        assertThat(out).doesNotExist();
    }

    @Test
    void unreadableInputExitsOneAndWritesNothing() throws IOException {
        Path bad = dir.resolve("bad.vasp");
        Files.writeString(bad, "not a poscar\n");
        Path out = dir.resolve("out.cif");
        Cli.Result r = Cli.run("convert", bad.toString(), out.toString());
        assertThat(r.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(r.err()).startsWith("xtal: " + bad).doesNotContain("\tat ");
        assertThat(out).doesNotExist();

        r = Cli.run("convert", dir.resolve("missing.cif").toString(), out.toString());
        assertThat(r.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(r.err()).contains("no such file");
    }

    @Test
    void usageErrorsExitTwo() {
        String in = Cli.example("Fe-bcc.vasp");
        String out = dir.resolve("out.cif").toString();
        assertThat(Cli.run("convert", in).status()).isEqualTo(Xtal.USAGE);
        assertThat(Cli.run("convert", in, dir.resolve("out.unknown").toString()).status()).isEqualTo(Xtal.USAGE);
        assertThat(Cli.run("convert", "--to", "pdb", in, out).status()).isEqualTo(Xtal.USAGE);
        assertThat(Cli.run("convert", "--supercell", "2x2", in, out).status()).isEqualTo(Xtal.USAGE);
        assertThat(Cli.run("convert", "--supercell", "1 0 0 0 1 0 0 0 0", in, out).status()).isEqualTo(Xtal.USAGE);
        assertThat(Cli.run("convert", "--supercell", "a b c", in, out).status()).isEqualTo(Xtal.USAGE);
        assertThat(Cli.run("convert", "--index", "5", in, out).status()).isEqualTo(Xtal.USAGE);
        assertThat(Path.of(out)).doesNotExist();
    }

    /** a, b, c in increasing order. */
    private static double[] lengths(Structure s) {
        double[] l = {s.lattice().a(), s.lattice().b(), s.lattice().c()};
        java.util.Arrays.sort(l);
        return l;
    }

    private static void assertSameLattice(Lattice actual, Lattice expected) {
        assertThat(new double[] {actual.a(), actual.b(), actual.c()})
                .containsExactly(new double[] {expected.a(), expected.b(), expected.c()}, within(1e-6));
        assertThat(actual.angles()).containsExactly(expected.angles(), within(1e-6));
    }

    /** Sites as multisets of (species, fractional coordinates mod 1). */
    private static void assertSameSites(Structure actual, Structure expected) {
        assertThat(actual.size()).isEqualTo(expected.size());
        List<Site> unmatched = new ArrayList<>(actual.sites());
        for (Site e : expected.sites()) {
            Site match = unmatched.stream()
                    .filter(a -> a.speciesString().equals(e.speciesString()) && samePosition(a.frac(), e.frac()))
                    .findFirst().orElse(null);
            assertThat(match).as("site %s %s", e.speciesString(), java.util.Arrays.toString(e.frac())).isNotNull();
            unmatched.remove(match);
        }
    }

    private static boolean samePosition(double[] x, double[] y) {
        for (int k = 0; k < 3; k++) {
            double d = x[k] - y[k];
            if (Math.abs(d - Math.rint(d)) > 1e-6) {
                return false;
            }
        }
        return true;
    }
}
