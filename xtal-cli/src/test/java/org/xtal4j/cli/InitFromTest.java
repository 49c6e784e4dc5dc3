package org.xtal4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.nn.io.NamedTensors;
import org.xtal4j.nn.model.ModelFile;

/**
 * {@code xtal train --init-from}: the run starts from the file's weights, normalisation and hyper-parameters,
 * and the new model's card names the file it started from. A learning rate of 1e-30 keeps the weights where
 * they started, so a model continued on other data must come out with the starting model's weights and
 * normalisation, while a fresh run does not.
 */
class InitFromTest {

    @TempDir
    static Path dir;
    static Path config;
    static Path otherData;
    static Path start;

    @BeforeAll
    static void trainStart() throws IOException {
        Path data = TinyCrystals.csv(dir.resolve("tiny.csv"), 12, 7);
        otherData = TinyCrystals.csv(dir.resolve("other.csv"), 18, 99);   // other rows: another mean of y
        config = TinyCrystals.tinyCrystalformerConfig(dir, 1, false);
        Cli.Result r = Cli.run("train", "--data", data.toString(), "--target", "y", "--split-column", "split",
                "--config", config.toString(), "--epochs", "2", "--seed", "1", "--out", dir.resolve("start").toString(),
                "--quiet");
        assertThat(r.status()).as(r.toString()).isZero();
        start = dir.resolve("start/model.xtal");
    }

    private static Cli.Result continueOn(Path data, String out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(),
                "--target", "y", "--split-column", "split", "--config", config.toString(), "--epochs", "1",
                "--seed", "5", "--set", "lr=1e-30", "--out", dir.resolve(out).toString(), "--quiet"));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    private static double maxDifference(NamedTensors a, NamedTensors b) {
        assertThat(b.names()).containsExactlyInAnyOrderElementsOf(a.names());
        double max = 0;
        for (String n : a.names()) {
            double[] x = a.get(n).toDoubleArray();
            double[] y = b.get(n).toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs(x[i] - y[i]));
            }
        }
        return max;
    }

    @Test
    void continuedModelKeepsTheStartingWeightsAndNormalisation() throws IOException {
        Cli.Result r = continueOn(otherData, "continued", "--init-from", start.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        ModelFile first = ModelFile.read(start);
        ModelFile next = ModelFile.read(dir.resolve("continued/model.xtal"));
        assertThat(maxDifference(first.weights(), next.weights())).isLessThan(1e-7);
        assertThat(next.normalisation()).isEqualTo(first.normalisation());
        assertThat(next.hyperParameters()).isEqualTo(first.hyperParameters());

        // the control: the same run without --init-from starts elsewhere and fits its own normalisation
        Cli.Result fresh = continueOn(otherData, "fresh");
        assertThat(fresh.status()).as(fresh.toString()).isZero();
        ModelFile own = ModelFile.read(dir.resolve("fresh/model.xtal"));
        assertThat(maxDifference(first.weights(), own.weights())).isGreaterThan(1e-3);
        assertThat(own.normalisation()).isNotEqualTo(first.normalisation());
    }

    @Test
    void cardNamesTheModelItStartedFrom() throws IOException {
        Cli.Result r = continueOn(otherData, "carded", "--init-from", start.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        Cli.Result info = Cli.run("info", dir.resolve("carded/model.xtal").toString());
        assertThat(info.status()).as(info.toString()).isZero();
        String sha = java.util.HexFormat.of().formatHex(sha256(start));
        assertThat(info.out()).contains("## Earlier training")
                .contains("Started from `model.xtal` (SHA-256 " + sha.substring(0, 12))
                .contains("2 epochs")
                .contains("--out " + dir.resolve("start"));
    }

    @Test
    void otherTargetsTransferEveryTensorThatFits() throws IOException {
        Cli.Result r = Cli.run("train", "--data", otherData.toString(), "--target", "y2,y", "--split-column", "split",
                "--config", config.toString(), "--epochs", "1", "--set", "lr=1e-30", "--out",
                dir.resolve("transfer").toString(), "--init-from", start.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        ModelFile first = ModelFile.read(start);
        ModelFile next = ModelFile.read(dir.resolve("transfer/model.xtal"));
        assertThat(next.normalisation().names()).containsExactly("y2", "y");
        List<String> fresh = new ArrayList<>();
        for (String n : first.weights().names()) {
            double[] x = first.weights().get(n).toDoubleArray();
            double[] y = next.weights().get(n).toDoubleArray();
            if (x.length != y.length) {
                fresh.add(n);
                continue;
            }
            for (int i = 0; i < x.length; i++) {
                assertThat(Math.abs(x[i] - y[i])).as(n).isLessThan(1e-7);
            }
        }
        // two targets instead of one: only the output layer's shape changed
        assertThat(fresh).isNotEmpty().hasSizeLessThanOrEqualTo(2);
        int total = first.weights().names().size();
        assertThat(r.err()).contains("started from " + (total - fresh.size()) + " of " + total + " tensors")
                .contains("initialised afresh: ").contains(fresh);
        Cli.Result info = Cli.run("info", dir.resolve("transfer/model.xtal").toString());
        assertThat(info.out()).contains("Transfer learning to other targets")
                .contains("`" + fresh.get(0) + "`");
    }

    @Test
    void aShapeChangingKeyIsRefusedNamingTheTensors() {
        Cli.Result r = continueOn(otherData, "wider", "--init-from", start.toString(), "--set", "ff_dim=32");
        assertThat(r.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(r.err()).contains("weights do not fit the model").contains("the model needs [")
                .doesNotContain("Exception");
    }

    @Test
    void aMissingOrBrokenFileIsNamed() throws IOException {
        Cli.Result missing = continueOn(otherData, "missing", "--init-from", dir.resolve("nope.xtal").toString());
        assertThat(missing.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(missing.err()).contains("--init-from: " + dir.resolve("nope.xtal") + ": no such file");
        Path broken = Files.writeString(dir.resolve("broken.xtal"), "not a model");
        Cli.Result bad = continueOn(otherData, "broken", "--init-from", broken.toString());
        assertThat(bad.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(bad.err()).contains("--init-from: " + broken).doesNotContain("Exception");
    }

    private static byte[] sha256(Path f) throws IOException {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
