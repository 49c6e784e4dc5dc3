package org.xtal4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.nn.model.ModelFile;

/**
 * train → predict → evaluate through the command line, in-process, with a tiny Crystalformer on twelve
 * two-atom cells. The models are trained once for the class.
 */
class TrainPredictEvaluateTest {

    @TempDir
    static Path dir;
    static Path data;
    static Path config;
    static Path run1;
    static Path run2;
    static Path runY2;
    static Cli.Result train1;

    @BeforeAll
    static void trainModels() throws IOException {
        data = TinyCrystals.csv(dir.resolve("tiny.csv"), 12, 7);
        config = TinyCrystals.tinyCrystalformerConfig(dir, 1, true);
        run1 = dir.resolve("run1");
        train1 = Cli.run("train", "--model", "crystalformer", "--data", data.toString(), "--target", "y",
                "--split-column", "split", "--config", config.toString(), "--epochs", "2", "--seed", "1",
                "--out", run1.toString(), "--quiet");
        run2 = dir.resolve("run2");
        assertThat(Cli.run("train", "--data", data.toString(), "--target", "y", "--split-column", "split",
                "--config", config.toString(), "--set", "n_epochs=1", "--seed", "2", "--out", run2.toString(),
                "--quiet").status()).isZero();
        runY2 = dir.resolve("runY2");
        assertThat(Cli.run("train", "--data", data.toString(), "--target", "y2", "--split-column", "split",
                "--config", config.toString(), "--epochs", "1", "--out", runY2.toString(), "--quiet").status())
                .isZero();
    }

    private static List<CSVRecord> readCsv(Path file) throws IOException {
        try (CSVParser p = CSVParser.parse(file, java.nio.charset.StandardCharsets.UTF_8,
                CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build())) {
            return new ArrayList<>(p.getRecords());
        }
    }

    private static List<String> header(Path file) throws IOException {
        return List.of(Files.readAllLines(file).get(0).split(","));
    }

    @Test
    void trainWritesModelMetricsAndPlots() throws IOException {
        assertThat(train1.status()).as(train1.toString()).isZero();
        assertThat(run1.resolve("model.xtal")).isRegularFile();
        assertThat(run1.resolve("learning_curves.png")).isRegularFile();
        assertThat(run1.resolve("mae_y.png")).isRegularFile();
        assertThat(run1.resolve("parity_test_y.png")).isRegularFile();
        List<CSVRecord> m = readCsv(run1.resolve("metrics.csv"));
        assertThat(m).hasSize(2);
        assertThat(m.get(1).get("epoch")).isEqualTo("2");
        ModelFile mf = ModelFile.read(run1.resolve("model.xtal"));
        assertThat(mf.modelType()).isEqualTo("crystalformer");
        assertThat(mf.normalisation().names()).containsExactly("y");
        // model keys from the YAML went to the model, training keys to the trainer
        assertThat(mf.hyperParameters().get("model_dim").asInt()).isEqualTo(16);
        assertThat(mf.provenance().extra().get("trainConfig").get("batch_size").asInt()).isEqualTo(4);
        assertThat(mf.provenance().extra().get("trainingSize").asInt()).isEqualTo(8);
        assertThat(mf.provenance().seed()).isEqualTo(1L);
        assertThat(mf.provenance().commandLine()).startsWith("xtal", "train", "--model").contains("--epochs");
        assertThat(train1.out()).contains("test y: MAE");
    }

    @Test
    void predictCsvGivesIdTargetAndErrorColumns() throws IOException {
        Path out = dir.resolve("pred.csv");
        Cli.Result r = Cli.run("predict", "--model", run1.resolve("model.xtal").toString(), data.toString(), "-o",
                out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(header(out)).containsExactly("id", "y", "error");
        List<CSVRecord> rows = readCsv(out);
        assertThat(rows).hasSize(12);
        assertThat(rows.get(0).get("id")).isEqualTo("s0");
        for (CSVRecord row : rows) {
            assertThat(row.get("error")).isEmpty();
            assertThat(Double.parseDouble(row.get("y"))).isFinite();
        }
        // the same predictions as evaluate's (both use the stored model)
        Path ev = dir.resolve("eval-for-predict");
        assertThat(Cli.run("evaluate", "--model", run1.resolve("model.xtal").toString(), "--data", data.toString(),
                "--target", "y", "--out", ev.toString()).status()).isZero();
        List<CSVRecord> evRows = readCsv(ev.resolve("predictions_all.csv"));
        for (int i = 0; i < 12; i++) {
            assertThat(Double.parseDouble(evRows.get(i).get("y_predicted")))
                    .isCloseTo(Double.parseDouble(rows.get(i).get("y")), within(1e-12));
        }
    }

    @Test
    void aBadStructureGetsItsErrorAndTheRunGoesOn() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("cifs"));
        Random rnd = new Random(3);
        Files.writeString(folder.resolve("good.cif"), TinyCrystals.cif("good", "Na", "Cl", 4.0, true, rnd));
        // lawrencium (Z = 103) is beyond Crystalformer's 98 one-hot atom features
        Files.writeString(folder.resolve("lr.cif"), TinyCrystals.cif("lr", "Lr", "Cl", 4.0, true, rnd));
        Files.writeString(folder.resolve("broken.cif"), "data_x\n_cell_length_a 3\nloop_\n_atom_site_label\n");
        Cli.Result r = Cli.run("predict", "--model", run1.resolve("model.xtal").toString(), folder.toString());
        assertThat(r.status()).as(r.toString()).isEqualTo(Xtal.INPUT_FAILED);
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("id").contains("y").endsWith("error");
        assertThat(lines).hasSize(4);
        String good = lines.stream().filter(l -> l.contains("good.cif")).findFirst().orElseThrow();
        String lr = lines.stream().filter(l -> l.contains("lr.cif")).findFirst().orElseThrow();
        String broken = lines.stream().filter(l -> l.contains("broken.cif")).findFirst().orElseThrow();
        assertThat(good.trim().split("\\s+")).hasSize(2);   // id and value, empty error
        assertThat(lr).contains("Lr");
        assertThat(broken.trim().split("\\s+").length).isGreaterThan(2);
        assertThat(r.err()).contains("lr.cif").contains("predicted 1 of 3");
    }

    @Test
    void anEnsembleGivesMeanAndStd() throws IOException {
        Path out = dir.resolve("ens.csv");
        Cli.Result r = Cli.run("predict", "--model", run1.resolve("model.xtal").toString(), "--model",
                run2.resolve("model.xtal").toString(), data.toString(), "-o", out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(header(out)).containsExactly("id", "y", "y_std", "error");
        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");
        Cli.run("predict", "--model", run1.resolve("model.xtal").toString(), data.toString(), "-o", a.toString());
        Cli.run("predict", "--model", run2.resolve("model.xtal").toString(), data.toString(), "-o", b.toString());
        List<CSVRecord> e = readCsv(out);
        List<CSVRecord> ra = readCsv(a);
        List<CSVRecord> rb = readCsv(b);
        double worst = 0;
        for (int i = 0; i < e.size(); i++) {
            double x = Double.parseDouble(ra.get(i).get("y"));
            double y = Double.parseDouble(rb.get(i).get("y"));
            double mean = Double.parseDouble(e.get(i).get("y"));
            double std = Double.parseDouble(e.get(i).get("y_std"));
            worst = Math.max(worst, Math.abs(mean - (x + y) / 2));
            assertThat(std).isCloseTo(Math.abs(x - y) / Math.sqrt(2), within(1e-12));
            assertThat(std).isPositive();   // differently seeded models disagree
        }
        assertThat(worst).isLessThan(1e-12);
    }

    @Test
    void modelsOfOtherTargetsAddTheirColumns() throws IOException {
        Path out = dir.resolve("mixed.csv");
        Cli.Result mixed = Cli.run("predict", "--model", run1.resolve("model.xtal").toString(), "--model",
                runY2.resolve("model.xtal").toString(), "--model", run2.resolve("model.xtal").toString(),
                data.toString(), "-o", out.toString());
        assertThat(mixed.status()).as(mixed.toString()).isZero();
        assertThat(header(out)).containsExactly("id", "y", "y_std", "y2", "error");
        Path single = dir.resolve("y2-alone.csv");
        Cli.run("predict", "--model", runY2.resolve("model.xtal").toString(), data.toString(), "-o", single.toString());
        List<CSVRecord> m = readCsv(out);
        List<CSVRecord> s = readCsv(single);
        assertThat(m).hasSameSizeAs(s);
        for (int i = 0; i < m.size(); i++) {
            assertThat(m.get(i).get("y2")).isEqualTo(s.get(i).get("y2"));
        }
        Cli.Result eval = Cli.run("evaluate", "--model", run1.resolve("model.xtal").toString(), "--data",
                data.toString(), "--target", "y2");
        assertThat(eval.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(eval.err()).contains("predicts [y], not 'y2'");
    }

    @Test
    void withoutAModelThePretrainedFolderIsUsed() throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        String before = System.getProperty("xtal.home");
        try {
            System.setProperty("xtal.home", home.toString());
            Cli.Result none = Cli.run("predict", data.toString());   // no models/ folder at all
            assertThat(none.status()).isEqualTo(Xtal.INPUT_FAILED);
            assertThat(none.err()).contains("no --model given", "XTAL_MODELS");
            Files.createDirectories(home.resolve("models"));
            Cli.Result empty = Cli.run("predict", data.toString());
            assertThat(empty.status()).isEqualTo(Xtal.INPUT_FAILED);
            assertThat(empty.err()).contains("holds no .xtal model files");
            Files.copy(run1.resolve("model.xtal"), home.resolve("models").resolve("tiny.xtal"));
            Path out = dir.resolve("pretrained.csv");
            Cli.Result r = Cli.run("predict", data.toString(), "-o", out.toString());
            assertThat(r.status()).as(r.toString()).isZero();
            assertThat(r.err()).contains("tiny.xtal");
            Path explicit = dir.resolve("explicit.csv");
            Cli.run("predict", "--model", run1.resolve("model.xtal").toString(), data.toString(), "-o",
                    explicit.toString());
            assertThat(Files.readString(out)).isEqualTo(Files.readString(explicit));
        } finally {
            if (before == null) {
                System.clearProperty("xtal.home");
            } else {
                System.setProperty("xtal.home", before);
            }
        }
    }

    @Test
    void evaluateWritesMetricsPerSplitThatMatchItsPredictions() throws IOException {
        Path out = dir.resolve("eval");
        Cli.Result r = Cli.run("evaluate", "--model", run1.resolve("model.xtal").toString(), "--data",
                data.toString(), "--split-column", "split", "--out", out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertThat(m.get("parts").get("train").get("y").get("n").asInt()).isEqualTo(8);
        assertThat(m.get("parts").get("val").get("y").get("n").asInt()).isEqualTo(2);
        assertThat(m.get("parts").get("test").get("y").get("n").asInt()).isEqualTo(2);
        for (String part : List.of("train", "val", "test")) {
            assertThat(out.resolve("parity_" + part + "_y.png")).isRegularFile();
            List<CSVRecord> p = readCsv(out.resolve("predictions_" + part + ".csv"));
            double ae = 0;
            double se = 0;
            for (CSVRecord row : p) {
                double d = Double.parseDouble(row.get("y_predicted")) - Double.parseDouble(row.get("y"));
                ae += Math.abs(d);
                se += d * d;
            }
            JsonNode t = m.get("parts").get(part).get("y");
            assertThat(t.get("mae").asDouble()).isCloseTo(ae / p.size(), within(1e-12));
            assertThat(t.get("rmse").asDouble()).isCloseTo(Math.sqrt(se / p.size()), within(1e-12));
        }
        assertThat(readCsv(out.resolve("metrics.csv"))).hasSize(3);
        assertThat(r.out()).contains("train").contains("test").contains("RMSE");
    }

    @Test
    void rowsWithoutATargetOrWithAnUnknownElementAreSkippedWithRowAndId() throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(data));
        String text = String.join("\n", lines) + "\n";
        // blank the target of s3 and make s5's first element unknown
        text = text.replace("\",0.8000,-0.9700,train", "\",,-0.9700,train");
        text = text.replace("Cs1 Cs", "Xx1 Xx");
        Path bad = Files.writeString(dir.resolve("bad.csv"), text);
        Path out = dir.resolve("eval-bad");
        Cli.Result r = Cli.run("evaluate", "--model", run1.resolve("model.xtal").toString(), "--data",
                bad.toString(), "--target", "y", "--out", out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.err()).contains("skipped").contains("(s3)").contains("target 'y'").contains("(s1)");
        List<CSVRecord> skipped = readCsv(out.resolve("skipped.csv"));
        assertThat(skipped).extracting(x -> x.get("id")).contains("s3", "s1");
        assertThat(skipped.stream().filter(x -> x.get("id").equals("s3")).findFirst().orElseThrow().get("row"))
                .isEqualTo("4");
    }

    @Test
    void configurationErrorsNameTheKey() {
        Cli.Result r = Cli.run("train", "--data", data.toString(), "--target", "y", "--set", "model_dimm=3",
                "--out", dir.resolve("never").toString());
        assertThat(r.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(r.err()).contains("model_dimm");
        Cli.Result t = Cli.run("train", "--data", data.toString(), "--target", "y", "--set", "lr=-1",
                "--out", dir.resolve("never").toString());
        assertThat(t.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(t.err()).contains("lr");
        Cli.Result u = Cli.run("train", "--model", "nosuchmodel", "--data", data.toString(), "--target", "y",
                "--out", dir.resolve("never").toString());
        assertThat(u.status()).isEqualTo(Xtal.USAGE);
        assertThat(u.err()).contains("nosuchmodel");
        Cli.Result noTarget = Cli.run("train", "--data", data.toString(), "--out", dir.resolve("never").toString());
        assertThat(noTarget.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(noTarget.err()).contains("--target");
    }

    @Test
    void separateValidationAndTestFilesAreParts() throws IOException {
        Path train = TinyCrystals.csv(dir.resolve("t.csv"), 6, 11);
        Path val = TinyCrystals.csv(dir.resolve("v.csv"), 3, 12);
        Path test = TinyCrystals.csv(dir.resolve("te.csv"), 3, 13);
        Path out = dir.resolve("sep");
        Cli.Result r = Cli.run("train", "--data", train.toString(), "--val-data", val.toString(), "--test-data",
                test.toString(), "--target", "y", "--config", config.toString(), "--epochs", "1", "--set",
                "swa_epochs=0", "--out", out.toString(), "--quiet");
        assertThat(r.status()).as(r.toString()).isZero();
        ModelFile mf = ModelFile.read(out.resolve("model.xtal"));
        assertThat(mf.provenance().extra().get("trainingSize").asInt()).isEqualTo(6);
        assertThat(mf.provenance().extra().get("validationSize").asInt()).isEqualTo(3);
        assertThat(mf.provenance().extra().get("testSize").asInt()).isEqualTo(3);
        assertThat(mf.provenance().metrics()).containsKey("test_mae_y");
    }

    @Test
    void aStoppedRunResumesToTheEnd() throws IOException {
        Path out = dir.resolve("resumed");
        Cli.Result first = Cli.run("train", "--data", data.toString(), "--target", "y", "--split-column", "split",
                "--config", config.toString(), "--epochs", "2", "--stop-after", "1", "--out", out.toString(),
                "--quiet");
        assertThat(first.status()).as(first.toString()).isZero();
        assertThat(first.out()).contains("stopped after epoch 1");
        assertThat(out.resolve("model.xtal")).doesNotExist();
        Cli.Result other = Cli.run("train", "--data", data.toString(), "--target", "y", "--split-column", "split",
                "--config", config.toString(), "--epochs", "3", "--resume", "--out", out.toString(), "--quiet");
        assertThat(other.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(other.err()).contains("another training configuration", "n_epochs").doesNotContain("internal");
        Cli.Result second = Cli.run("train", "--data", data.toString(), "--target", "y", "--split-column", "split",
                "--config", config.toString(), "--epochs", "2", "--resume", "--out", out.toString(), "--quiet");
        assertThat(second.status()).as(second.toString()).isZero();
        assertThat(readCsv(out.resolve("metrics.csv"))).hasSize(2);
        assertThat(out.resolve("model.xtal")).isRegularFile();
    }

    @Test
    void theCommandsDescribeTheirOptions() {
        assertThat(Cli.run("--help").out()).contains("train", "predict", "evaluate");
        assertThat(Cli.run("train", "--help").out()).contains("--split-column", "--val-data", "--config", "--set",
                "--resume");
        assertThat(Cli.run("predict", "--help").out()).contains("--model", "_std", "error");
        assertThat(Cli.run("evaluate", "--help").out()).contains("MAE", "--out");
        assertThat(Cli.run("predict").status()).isEqualTo(Xtal.USAGE);   // no input
    }

    @Test
    void zipArchivesArePredictedEntryByEntry() throws IOException {
        Path zip = dir.resolve("cifs.zip");
        Random rnd = new Random(5);
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            for (String name : List.of("a.cif", "sub/b.cif")) {
                z.putNextEntry(new java.util.zip.ZipEntry(name));
                z.write(TinyCrystals.cif(name, "K", "Br", 4.2, false, rnd).getBytes(
                        java.nio.charset.StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        Path out = dir.resolve("zip.csv");
        Cli.Result r = Cli.run("predict", "--model", run1.resolve("model.xtal").toString(), zip.toString(), "-o",
                out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        List<CSVRecord> rows = readCsv(out);
        assertThat(rows).extracting(x -> x.get("id")).containsExactly("cifs.zip!a.cif", "cifs.zip!sub/b.cif");
        assertThat(rows).allSatisfy(x -> assertThat(Double.parseDouble(x.get("y"))).isFinite());
    }
}
