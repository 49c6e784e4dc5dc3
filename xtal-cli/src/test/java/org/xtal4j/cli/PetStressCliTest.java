package org.xtal4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.io.StructureIO;
import org.xtal4j.nn.model.ModelFile;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Structure;

/**
 * {@code xtal predict} with a PET model writes {@code stress} (9 numbers, row-major, eV/Å³) into the info of
 * periodic frames and none for molecules; the stress is the strain derivative of the energies it writes for
 * strained copies of the cell (central differences, float64), with and without ECSE.
 */
class PetStressCliTest {

    private static final double H = 1e-5;

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

    /** The structure under x → x·(I + ε) (lattice rows and positions; fractions kept). */
    static Structure strained(Structure s, double[][] eps) {
        double[][] m = s.lattice().matrix();
        double[][] out = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int b = 0; b < 3; b++) {
                out[i][b] = m[i][b];
                for (int a = 0; a < 3; a++) {
                    out[i][b] += m[i][a] * eps[a][b];
                }
            }
        }
        return s.toBuilder().lattice(Lattice.fromMatrix(out)).build();
    }

    @Test
    void writesStressesThatAreTheStrainDerivativeOfTheEnergy() throws IOException {
        List<Structure> frames = StructureIO.read(PetCliTest.data(dir.resolve("frames.extxyz"), 2, 7));
        Structure molecule = frames.get(0);
        // a stress label on the cell, to see the MAE report (9 numbers, as ASE writes it)
        Structure cell = frames.get(1).toBuilder().property("stress", new double[] {0.1, 0, 0, 0, 0.1, 0, 0, 0, 0.1})
                .build();
        List<Structure> in = new ArrayList<>(List.of(molecule, cell));
        int[][] pairs = {{0, 0}, {1, 1}, {2, 2}, {0, 1}, {0, 2}, {1, 2}};
        for (int[] p : pairs) {   // symmetric strains ±H on (a, b) and (b, a)
            for (double sign : new double[] {1, -1}) {
                double[][] eps = new double[3][3];
                eps[p[0]][p[1]] = sign * H;
                eps[p[1]][p[0]] = sign * H;
                in.add(strained(frames.get(1), eps));
            }
        }
        Path input = dir.resolve("strained.extxyz");
        StructureIO.write(input, in);
        for (String mode : new String[] {"raw", "ecse"}) {
            Path out = dir.resolve(mode + ".extxyz");
            List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(), input.toString(), "-o",
                    out.toString(), "--threads", "1", "--precision", "float64"));
            if (mode.equals("raw")) {
                args.add("--no-ecse");
            }
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertThat(r.status()).as(r.toString()).isZero();
            assertThat(r.err()).contains("stress MAE");
            List<Structure> got = StructureIO.read(out);
            assertThat(got).hasSize(in.size());
            assertThat(got.get(0).properties()).doesNotContainKey("stress");
            double[] s = (double[]) got.get(1).properties().get("stress");
            assertThat(s).hasSize(9);
            assertThat(s).isNotEqualTo(new double[] {0.1, 0, 0, 0, 0.1, 0, 0, 0, 0.1});
            double v = cell.lattice().volume();
            double worst = 0;
            double max = 0;
            for (int k = 0; k < pairs.length; k++) {
                int a = pairs[k][0];
                int b = pairs[k][1];
                double ep = ((Number) got.get(2 + 2 * k).properties().get("energy")).doubleValue();
                double em = ((Number) got.get(3 + 2 * k).properties().get("energy")).doubleValue();
                // dE = Σ σ_ab ε_ab V: on the diagonal 1 entry, off it 2
                double fd = (ep - em) / (2 * H * v * (a == b ? 1 : 2));
                worst = Math.max(worst, Math.abs(fd - s[3 * a + b]));
                max = Math.max(max, Math.abs(s[3 * a + b]));
                assertThat(s[3 * a + b]).isEqualTo(s[3 * b + a]);
            }
            System.out.printf(Locale.ROOT, "xtal predict (%s) stress vs finite differences of its energies: worst"
                    + " %.2e eV/Å³ (max |σ| %.3e)%n", mode, worst, max);
            assertThat(max).isGreaterThan(1e-4);
            assertThat(worst).isLessThan(1e-5 * max);
        }
    }

    @Test
    void trainsOnVirialsOfPeriodicFrames() throws IOException {
        List<Structure> frames = StructureIO.read(PetCliTest.data(dir.resolve("plain.extxyz"), 6, 4));
        List<Structure> labelled = new ArrayList<>();
        for (Structure s : frames) {
            labelled.add(s.isFullyPeriodic() ? s.toBuilder().property("virial",
                    new double[] {1.5, 0.2, 0, 0.2, -0.5, 0.1, 0, 0.1, 0.8}).build() : s);
        }
        Path train = dir.resolve("virial.extxyz");
        StructureIO.write(train, labelled);
        assertThat(Files.readString(train)).contains("virial=");
        Path out = dir.resolve("run-virial");
        Cli.Result t = Cli.run("train", "--model", "pet", "--data", train.toString(), "--val-data", train.toString(),
                "--target", "energy", "--config", dir.resolve("pet.yaml").toString(), "--epochs", "2", "--seed", "3",
                "--threads", "1", "--out", out.toString(), "--quiet");
        assertThat(t.status()).as(t.toString()).isZero();
        double v = frames.get(1).lattice().volume();
        double rms = Math.sqrt((1.5 * 1.5 + 2 * 0.04 + 0.25 + 2 * 0.01 + 0.64) / 9) / v;
        double sigmaS = ModelFile.read(out.resolve("model.xtal")).hyperParameters().get("STRESS_SIGMA").asDouble();
        assertThat(sigmaS).isCloseTo(rms, org.assertj.core.data.Offset.offset(1e-12 * rms));
    }
}
