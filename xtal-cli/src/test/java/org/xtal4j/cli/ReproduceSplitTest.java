package org.xtal4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.nn.model.ModelFile;

/** `xtal split`, `--split-ids`, log10(...) targets, model cards from `xtal info`, and `xtal reproduce`. */
class ReproduceSplitTest {

    @TempDir
    static Path dir;
    static Path data;
    static Path config;

    @BeforeAll
    static void data() throws IOException {
        data = TinyCrystals.csv(dir.resolve("tiny.csv"), 12, 7);
        config = TinyCrystals.tinyCrystalformerConfig(dir, 0, false);
    }

    @Test
    void splitWritesDisjointSeededIdListsThatTrainingUses() throws IOException {
        Path ids = dir.resolve("ids");
        Cli.Result r = Cli.run("split", "--data", data.toString(), "--seed", "5", "--fractions", "0.5,0.25,0.25",
                "-o", ids.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        List<String> train = Files.readAllLines(ids.resolve("train.txt"));
        List<String> val = Files.readAllLines(ids.resolve("val.txt"));
        List<String> test = Files.readAllLines(ids.resolve("test.txt"));
        assertThat(train).hasSize(6);
        assertThat(val).hasSize(3);
        assertThat(test).hasSize(3);
        Set<String> all = new HashSet<>(train);
        all.addAll(val);
        all.addAll(test);
        assertThat(all).hasSize(12);
        Path again = dir.resolve("ids-again");
        Cli.run("split", "--data", data.toString(), "--seed", "5", "--fractions", "0.5,0.25,0.25", "-o",
                again.toString());
        assertThat(Files.readAllLines(again.resolve("val.txt"))).isEqualTo(val);
        Path other = dir.resolve("ids-other");
        Cli.run("split", "--data", data.toString(), "--seed", "6", "--fractions", "0.5,0.25,0.25", "-o",
                other.toString());
        assertThat(Files.readAllLines(other.resolve("train.txt"))).isNotEqualTo(train);

        // log10 of a positive column, split by the lists
        Path out = dir.resolve("log-run");
        Cli.Result t = Cli.run("train", "--data", data.toString(), "--target", "log10(y)", "--split-ids",
                ids.toString(), "--config", config.toString(), "--epochs", "1", "--out", out.toString(), "--quiet");
        assertThat(t.status()).as(t.toString()).isZero();
        ModelFile m = ModelFile.read(out.resolve("model.xtal"));
        assertThat(m.normalisation().names()).containsExactly("log10_y");
        assertThat(m.provenance().extra().path("trainingSize").asInt()).isEqualTo(6);
        assertThat(m.provenance().extra().path("validationSize").asInt()).isEqualTo(3);
        // the label is log10(y): its normalisation mean lies between log10 of the smallest and largest y (0.5..1.1)
        double mean = m.normalisation().targets().get(0).mean();
        assertThat(mean).isBetween(Math.log10(0.5), Math.log10(1.1));

        Path ev = dir.resolve("log-eval");   // evaluate finds the log10 column by itself
        Cli.Result e = Cli.run("evaluate", "--model", out.resolve("model.xtal").toString(), "--data",
                data.toString(), "--split-ids", ids.toString(), "--out", ev.toString());
        assertThat(e.status()).as(e.toString()).isZero();
        assertThat(Files.readString(ev.resolve("metrics.json"))).contains("log10_y");

        Path bad = dir.resolve("log-bad");
        Cli.Result b = Cli.run("train", "--data", data.toString(), "--target", "log10(y2)", "--split-ids",
                ids.toString(), "--config", config.toString(), "--epochs", "1", "--out", bad.toString(), "--quiet");
        assertThat(b.err()).contains("log10 needs a positive value");
        assertThat(Cli.run("train", "--data", data.toString(), "--target", "y", "--split-ids", ids.toString(),
                "--split-column", "split", "--out", dir.resolve("x").toString()).err()).contains("not both");
    }

    @Test
    void maxAtomsLeavesLargerCellsOutOfTrainingOnly() throws IOException {
        // the tiny crystals have two atoms per cell: with --max-atoms 1 none is left to train on
        Cli.Result none = Cli.run("train", "--data", data.toString(), "--target", "y", "--split-column", "split",
                "--config", config.toString(), "--epochs", "1", "--max-atoms", "1", "--out",
                dir.resolve("cap1").toString(), "--quiet");
        assertThat(none.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(none.err()).contains("no usable training rows");
        Path out = dir.resolve("cap2");
        Cli.Result all = Cli.run("train", "--data", data.toString(), "--target", "y", "--split-column", "split",
                "--config", config.toString(), "--epochs", "1", "--max-atoms", "2", "--out", out.toString(),
                "--quiet");
        assertThat(all.status()).as(all.toString()).isZero();
        ModelFile m = ModelFile.read(out.resolve("model.xtal"));
        assertThat(m.provenance().extra().path("trainingSize").asInt()).isEqualTo(8);
        assertThat(m.provenance().extra().path("validationSize").asInt()).isEqualTo(2);
        assertThat(Cli.run("train", "--data", data.toString(), "--target", "y", "--max-atoms", "0", "--out",
                dir.resolve("cap0").toString()).status()).isEqualTo(Xtal.USAGE);
    }

    @Test
    void reproduceComparesExpectedAndObtainedAndInfoPrintsTheModelCard() throws IOException {
        String command = "[\"train\", \"--data\", \"" + data + "\", \"--target\", \"y\", \"--split-column\", "
                + "\"split\", \"--config\", \"" + config + "\", \"--epochs\", \"1\", \"--seed\", \"3\", \"--quiet\", "
                + "\"--out\", \"${out}\"]";
        Path wrong = Files.writeString(dir.resolve("wrong.json"), "{\"name\": \"tiny\", \"command\": " + command
                + ", \"expected\": {\"val_mae_y\": 123.0}, \"tolerance\": 0.2}");
        Path o1 = dir.resolve("rep1");
        Cli.Result first = Cli.run("reproduce", wrong.toString(), "--out", o1.toString());
        assertThat(first.status()).as(first.toString()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(first.out()).contains("val_mae_y", "OFF");
        double obtained = ModelFile.read(o1.resolve("model.xtal")).provenance().metrics().get("val_mae_y");

        Path right = Files.writeString(dir.resolve("right.json"), "{\"name\": \"tiny\", \"command\": " + command
                + ", \"expected\": {\"val_mae_y\": " + obtained + "}, \"tolerance\": 0.2}");
        Cli.Result second = Cli.run("reproduce", right.toString(), "--out", dir.resolve("rep2").toString());
        assertThat(second.status()).as(second.toString()).isZero();
        assertThat(second.out()).contains("val_mae_y", "ok").doesNotContain("OFF");
        Cli.Result dry = Cli.run("reproduce", right.toString(), "--out", dir.resolve("rep3").toString(), "--dry-run");
        assertThat(dry.out()).contains("--out " + dir.resolve("rep3"), "expected val_mae_y");
        assertThat(Files.exists(dir.resolve("rep3"))).isFalse();

        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"name\": \"x\", \"command\": []}");
        Cli.Result bad = Cli.run("reproduce", broken.toString());
        assertThat(bad.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(bad.err()).contains("broken.json", "command");

        Cli.Result card = Cli.run("info", o1.resolve("model.xtal").toString());
        assertThat(card.status()).as(card.toString()).isZero();
        assertThat(card.out()).contains("# Model card", "**Targets:** y", "| val | y |", "--seed 3");
        // the model records the commit of the checkout it was trained from (tests run inside one)
        assertThat(card.out()).contains("**xtal4j commit:** " + Checkout.commit().orElseThrow());
    }

    @Test
    void reproduceHelpShowsThePlaceholdersOfTheCommand() {
        Cli.Result help = Cli.run("reproduce", "--help");
        assertThat(help.out().replaceAll("\\s+", " ")).contains("${shared} in the command stands for the shared data "
                + "folder, ${out} for the output folder").doesNotContain("null in the command");
    }
}
