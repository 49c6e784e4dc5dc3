package org.xtal4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.io.StructureIO;
import org.xtal4j.structure.Structure;

/** {@code xtal train --model pet} on a tiny extxyz with energies and forces, then {@code xtal predict} to extxyz. */
class PetCliTest {

    private static final String TINY = """
            TRANSFORMER_D_MODEL: 8
            TRANSFORMER_N_HEAD: 2
            TRANSFORMER_DIM_FEEDFORWARD: 16
            N_TRANS_LAYERS: 1
            N_GNN_LAYERS: 1
            HEAD_N_NEURONS: 8
            R_CUT: 3.0
            optimizer: adam
            lr: 0.001
            weight_decay: 0
            clip_norm: 0
            swa_epochs: 0
            batch_size: 4
            plots: false
            """;

    @TempDir
    Path dir;

    /** CH4-like molecules and 2-atom CH cells with arbitrary energies and forces. */
    static Path data(Path file, int n, long seed) throws IOException {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < n; k++) {
            if (k % 2 == 0) {
                sb.append("5\nProperties=species:S:1:pos:R:3:forces:R:3 energy=")
                        .append(-1080 + r.nextGaussian()).append(" pbc=\"F F F\"\n");
                double[][] xyz = {{0, 0, 0}, {1.1, 0, 0}, {-0.4, 1.0, 0}, {-0.3, -0.4, 1.0}, {-0.3, -0.4, -1.0}};
                for (int i = 0; i < 5; i++) {
                    sb.append(i == 0 ? "C" : "H");
                    for (int a = 0; a < 3; a++) {
                        sb.append(String.format(Locale.ROOT, " %.6f", xyz[i][a] + 0.05 * r.nextGaussian()));
                    }
                    for (int a = 0; a < 3; a++) {
                        sb.append(String.format(Locale.ROOT, " %.6f", r.nextGaussian()));
                    }
                    sb.append('\n');
                }
            } else {
                sb.append("2\nLattice=\"2.4 0 0 0.3 2.6 0 0.1 -0.2 2.8\" Properties=species:S:1:pos:R:3:forces:R:3 energy=")
                        .append(-170 + r.nextGaussian()).append(" pbc=\"T T T\"\n");
                sb.append(String.format(Locale.ROOT, "C %.6f 0.1 0.2 0.3 -0.1 0.2%n", 0.05 * r.nextGaussian()));
                sb.append(String.format(Locale.ROOT, "H 1.4 %.6f 1.5 -0.3 0.1 -0.2%n", 1.3 + 0.05 * r.nextGaussian()));
            }
        }
        return Files.writeString(file, sb.toString());
    }

    @Test
    void trainsOnExtxyzAndPredictsEnergiesAndForces() throws IOException {
        Path train = data(dir.resolve("train.extxyz"), 8, 1);
        Path val = data(dir.resolve("val.extxyz"), 4, 2);
        Path config = Files.writeString(dir.resolve("pet.yaml"), TINY);
        Path out = dir.resolve("run");
        Cli.Result t = Cli.run("train", "--model", "pet", "--data", train.toString(), "--val-data", val.toString(),
                "--target", "energy", "--config", config.toString(), "--epochs", "1", "--seed", "1", "--threads", "1",
                "--out", out.toString(), "--quiet");
        assertThat(t.status()).as(t.toString()).isZero();
        assertThat(out.resolve("model.xtal")).exists();

        Path pred = dir.resolve("pred.extxyz");
        Cli.Result p = Cli.run("predict", "--model", out.resolve("model.xtal").toString(), val.toString(), "-o",
                pred.toString(), "--threads", "1", "--no-ecse");
        assertThat(p.status()).as(p.toString()).isZero();
        assertThat(p.err()).contains("energy MAE").contains("force MAE");
        List<Structure> in = StructureIO.read(val);
        List<Structure> got = StructureIO.read(pred);
        assertThat(got).hasSize(in.size());
        for (int k = 0; k < got.size(); k++) {
            Structure s = got.get(k);
            double e = ((Number) s.properties().get("energy")).doubleValue();
            double ref = ((Number) in.get(k).properties().get("energy")).doubleValue();
            // self-contributions put the prediction near the label scale (-1080 / -170 eV)
            assertThat(Math.abs(e - ref)).isLessThan(50);
            assertThat(s.siteProperties().get("forces")).hasNumberOfRows(s.size());
            assertThat(s.siteProperties().get("forces")[0]).isNotEqualTo(in.get(k).siteProperties().get("forces")[0]);
            assertThat(s.pbc()).isEqualTo(in.get(k).pbc());
        }

        Path csv = dir.resolve("pred.csv");
        Cli.Result c = Cli.run("predict", "--model", out.resolve("model.xtal").toString(), val.toString(), "-o",
                csv.toString(), "--threads", "1");
        assertThat(c.status()).as(c.toString()).isZero();
        assertThat(Files.readAllLines(csv).get(0)).isEqualTo("id,energy,error");
        assertThat(Files.readAllLines(csv)).hasSize(5);
    }
}
