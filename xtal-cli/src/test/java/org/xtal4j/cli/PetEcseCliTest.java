package org.xtal4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.io.StructureIO;
import org.xtal4j.structure.Structure;

/**
 * {@code xtal predict} on a tiny trained PET: ECSE (the default) gives rotation-invariant energies and
 * equivariant forces in float64, {@code --no-ecse} the raw backbone, which is not invariant; a structure ECSE has
 * no frame for (a dimer) is a per-frame error naming it, which {@code --no-ecse} predicts.
 */
class PetEcseCliTest {

    private static final int ROTATIONS = 5;

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void train() throws IOException {
        Path train = PetCliTest.data(dir.resolve("train.extxyz"), 4, 1);
        Path config = Files.writeString(dir.resolve("pet.yaml"), """
                TRANSFORMER_D_MODEL: 8
                TRANSFORMER_N_HEAD: 2
                TRANSFORMER_DIM_FEEDFORWARD: 16
                N_TRANS_LAYERS: 1
                N_GNN_LAYERS: 1
                HEAD_N_NEURONS: 8
                R_CUT: 3.0
                batch_size: 4
                plots: false
                """);
        Path out = dir.resolve("run");
        Cli.Result t = Cli.run("train", "--model", "pet", "--data", train.toString(), "--val-data", train.toString(),
                "--target", "energy", "--config", config.toString(), "--epochs", "1", "--seed", "3", "--threads",
                "1", "--out", out.toString(), "--quiet");
        assertThat(t.status()).as(t.toString()).isZero();
        model = out.resolve("model.xtal");
    }

    /** A uniform random proper rotation (from a normalised Gaussian quaternion). */
    static double[][] rotation(Random r) {
        double w = r.nextGaussian();
        double x = r.nextGaussian();
        double y = r.nextGaussian();
        double z = r.nextGaussian();
        double n = Math.sqrt(w * w + x * x + y * y + z * z);
        w /= n;
        x /= n;
        y /= n;
        z /= n;
        return new double[][] {
            {1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)},
            {2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)},
            {2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)}};
    }

    static double[] apply(double[][] q, double[] v) {
        double[] o = new double[3];
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                o[a] += q[a][b] * v[b];
            }
        }
        return o;
    }

    static String vec(double[] v) {
        return String.format(Locale.ROOT, "%.17g %.17g %.17g", v[0], v[1], v[2]);
    }

    /** One frame: a molecule (cell null) or a periodic cell, rotated by q. */
    static String frame(String[] species, double[][] pos, double[][] cell, double[][] q) {
        StringBuilder sb = new StringBuilder().append(species.length).append('\n');
        if (cell != null) {
            sb.append("Lattice=\"").append(vec(apply(q, cell[0]))).append(' ').append(vec(apply(q, cell[1])))
                    .append(' ').append(vec(apply(q, cell[2]))).append("\" ");
        }
        sb.append("Properties=species:S:1:pos:R:3 pbc=\"").append(cell != null ? "T T T" : "F F F").append("\"\n");
        for (int i = 0; i < species.length; i++) {
            sb.append(species[i]).append(' ').append(vec(apply(q, pos[i]))).append('\n');
        }
        return sb.toString();
    }

    static final String[] CH4 = {"C", "H", "H", "H", "H"};
    static final double[][] CH4_POS = {{0.02, -0.01, 0.03}, {1.1, 0.05, 0}, {-0.4, 1.0, 0.04}, {-0.3, -0.45, 1.0},
        {-0.33, -0.4, -1.02}};
    static final String[] CH = {"C", "H"};
    static final double[][] CH_POS = {{0.03, 0.1, 0.2}, {1.4, 1.32, 1.5}};
    static final double[][] CH_CELL = {{2.4, 0, 0}, {0.3, 2.6, 0}, {0.1, -0.2, 2.8}};

    @Test
    void ecseIsInvariantAndEquivariantUnderRotationsAndNoEcseIsNot() throws IOException {
        Random r = new Random(11);
        double[][] id = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        double[][][] qs = new double[2 * (ROTATIONS + 1)][][];
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < qs.length; k++) {
            boolean cell = k > ROTATIONS;
            qs[k] = k == 0 || k == ROTATIONS + 1 ? id : rotation(r);
            sb.append(cell ? frame(CH, CH_POS, CH_CELL, qs[k]) : frame(CH4, CH4_POS, null, qs[k]));
        }
        Path in = Files.writeString(dir.resolve("rotated.extxyz"), sb.toString());

        List<Structure> ecse = predict(in, dir.resolve("ecse.extxyz"));
        List<Structure> raw = predict(in, dir.resolve("raw.extxyz"), "--no-ecse");
        double worstE = 0;
        double worstF = 0;
        double rawSpread = 0;
        double maxF = 0;
        for (int k = 0; k < qs.length; k++) {
            int k0 = k > ROTATIONS ? ROTATIONS + 1 : 0;
            worstE = Math.max(worstE, Math.abs(energy(ecse.get(k)) - energy(ecse.get(k0))));
            rawSpread = Math.max(rawSpread, Math.abs(energy(raw.get(k)) - energy(raw.get(k0))));
            double[][] f = forces(ecse.get(k));
            double[][] f0 = forces(ecse.get(k0));
            for (int i = 0; i < f.length; i++) {
                double[] want = apply(qs[k], f0[i]);
                for (int a = 0; a < 3; a++) {
                    maxF = Math.max(maxF, Math.abs(f[i][a]));
                    worstF = Math.max(worstF, Math.abs(f[i][a] - want[a]));
                }
            }
        }
        System.out.printf(Locale.ROOT, "xtal predict PET+ECSE float64, %d rotations of a molecule and a cell: worst"
                + " |ΔE| %.2e eV, |F(Qr) − Q F(r)| %.2e eV/Å; raw backbone |ΔE| up to %.2e eV; max |F| %.2e%n", ROTATIONS,
                worstE, worstF, rawSpread, maxF);
        assertThat(maxF).isGreaterThan(1e-3);   // the forces are not trivially zero
        assertThat(worstE).isLessThan(1e-9);
        assertThat(worstF).isLessThan(1e-9);
        assertThat(rawSpread).isGreaterThan(1e-6);
        assertThat(Math.abs(energy(raw.get(0)) - energy(ecse.get(0)))).isGreaterThan(1e-9);
    }

    @Test
    void aStructureWithoutFramesIsANamedErrorUnlessNoEcse() throws IOException {
        Path in = Files.writeString(dir.resolve("dimer.extxyz"),
                frame(CH4, CH4_POS, null, new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}})
                        + "2\nProperties=species:S:1:pos:R:3 pbc=\"F F F\"\nH 0 0 0\nH 0.74 0 0\n");
        Cli.Result p = Cli.run("predict", "--model", model.toString(), in.toString(), "--threads", "1");
        assertThat(p.status()).as(p.toString()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(p.err()).contains(in + "#2: ECSE found no frame").contains("--no-ecse")
                .doesNotContain(in + "#1:").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(p.err()).contains("predicted 1 of 2 structures with pet (ECSE-symmetrised)");
        Cli.Result n = Cli.run("predict", "--model", model.toString(), in.toString(), "--threads", "1", "--no-ecse");
        assertThat(n.status()).as(n.toString()).isZero();
        assertThat(n.err()).contains("predicted 2 of 2 structures with pet (raw backbone, no ECSE)");
    }

    private static List<Structure> predict(Path in, Path out, String... extra) throws IOException {
        String[] base = {"predict", "--model", model.toString(), in.toString(), "-o", out.toString(), "--threads",
            "1", "--precision", "float64"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        Cli.Result p = Cli.run(args);
        assertThat(p.status()).as(p.toString()).isZero();
        List<Structure> got = StructureIO.read(out);
        assertThat(got).hasSize(2 * (ROTATIONS + 1));
        return got;
    }

    private static double energy(Structure s) {
        return ((Number) s.properties().get("energy")).doubleValue();
    }

    private static double[][] forces(Structure s) {
        return s.siteProperties().get("forces");
    }
}
