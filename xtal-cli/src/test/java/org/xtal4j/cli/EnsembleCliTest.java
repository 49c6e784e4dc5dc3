package org.xtal4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.data.DatasetLoader;
import org.xtal4j.data.Record;
import org.xtal4j.nn.model.ModelFile;
import org.xtal4j.nn.predict.Prediction;
import org.xtal4j.nn.predict.Predictor;
import org.xtal4j.nn.predict.RankCorrelation;
import org.xtal4j.structure.Structure;

/**
 * {@code xtal train --ensemble}, {@code predict -m FOLDER} and {@code evaluate} of an ensemble, through the
 * command line with three tiny Crystalformers on 24 two-atom cells (16 train, 4 val, 4 test).
 */
class EnsembleCliTest {

    private static final long SEED = 5;

    @TempDir
    static Path dir;
    static Path data;
    static Path config;
    static Path ens;
    static Cli.Result trained;

    @BeforeAll
    static void trainEnsemble() throws IOException {
        data = TinyCrystals.csv(dir.resolve("tiny.csv"), 24, 11);
        config = TinyCrystals.tinyCrystalformerConfig(dir, 0, false);
        ens = dir.resolve("ens");
        trained = Cli.run("train", "--data", data.toString(), "--target", "y", "--split-column", "split",
                "--config", config.toString(), "--epochs", "2", "--seed", Long.toString(SEED), "--ensemble", "3",
                "--out", ens.toString(), "--quiet");
    }

    private static List<CSVRecord> readCsv(Path file) throws IOException {
        try (CSVParser p = CSVParser.parse(file, StandardCharsets.UTF_8,
                CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build())) {
            return new ArrayList<>(p.getRecords());
        }
    }

    private static List<String> header(Path file) throws IOException {
        return List.of(Files.readAllLines(file).get(0).split(","));
    }

    private static Path member(int k) {
        return ens.resolve("member-" + k).resolve("model.xtal");
    }

    /** The structures of one split of the tiny data set, in file order. */
    private static List<Record> part(String split) {
        return DatasetLoader.load(data).materialise().stream().filter(r -> split.equals(r.extra("split"))).toList();
    }

    /** Each member's predictions of target y for the records, opened with Predictor directly. */
    private static double[][] memberPredictions(List<Record> records) throws IOException {
        List<Structure> structures = records.stream().map(Record::structure).toList();
        double[][] p = new double[3][];
        for (int k = 1; k <= 3; k++) {
            try (Predictor pr = Predictor.open(member(k))) {
                List<Prediction> out = pr.predict(structures, 8);
                p[k - 1] = out.stream().mapToDouble(x -> x.values()[0]).toArray();
            }
        }
        return p;
    }

    @Test
    void membersAreOrdinaryRunsWithConsecutiveSeedsAndDifferentWeights() throws IOException {
        assertThat(trained.status()).as(trained.toString()).isZero();
        for (int k = 1; k <= 3; k++) {
            assertThat(member(k)).isRegularFile();
            assertThat(readCsv(ens.resolve("member-" + k).resolve("metrics.csv"))).hasSize(2);
            assertThat(ModelFile.read(member(k)).provenance().seed()).isEqualTo(SEED + k - 1);
        }
        double[][] p = memberPredictions(part("val"));
        for (int i = 0; i < p[0].length; i++) {
            assertThat(p[0][i]).isNotEqualTo(p[1][i]);
            assertThat(p[1][i]).isNotEqualTo(p[2][i]);
        }
        assertThat(trained.out()).contains("member-3 (seed 7)").contains("spearman").contains("ensemble of 3");
    }

    @Test
    void ensembleMetricsAreThoseOfTheMembersMean() throws IOException {
        assertThat(trained.status()).as(trained.toString()).isZero();
        JsonNode m = new ObjectMapper().readTree(ens.resolve("ensemble_metrics.json").toFile());
        assertThat(m.get("members").asInt()).isEqualTo(3);
        assertThat(m.get("seeds").toString()).isEqualTo("[5,6,7]");
        assertThat(m.get("models").get(2).asText()).isEqualTo("member-3/model.xtal");
        for (String split : List.of("val", "test")) {
            List<Record> records = part(split);
            assertThat(records).hasSize(4);
            double[][] p = memberPredictions(records);
            int n = records.size();
            double[] label = new double[n];
            double[] mean = new double[n];
            double[] std = new double[n];
            double[] absErr = new double[n];
            double ae = 0;
            double se = 0;
            double sd = 0;
            double[] memberAe = new double[3];
            for (int i = 0; i < n; i++) {
                label[i] = records.get(i).target("y");
                mean[i] = (p[0][i] + p[1][i] + p[2][i]) / 3;
                double ss = 0;
                for (int k = 0; k < 3; k++) {
                    ss += (p[k][i] - mean[i]) * (p[k][i] - mean[i]);
                    memberAe[k] += Math.abs(p[k][i] - label[i]);
                }
                std[i] = Math.sqrt(ss / 2);
                absErr[i] = Math.abs(mean[i] - label[i]);
                ae += absErr[i];
                se += absErr[i] * absErr[i];
                sd += std[i];
            }
            // the per-structure file
            List<CSVRecord> rows = readCsv(ens.resolve("ensemble_" + split + ".csv"));
            assertThat(header(ens.resolve("ensemble_" + split + ".csv")))
                    .containsExactly("id", "y", "y_mean", "y_std", "error");
            assertThat(rows).hasSize(n);
            double worst = 0;
            for (int i = 0; i < n; i++) {
                assertThat(rows.get(i).get("id")).isEqualTo(records.get(i).id());
                assertThat(Double.parseDouble(rows.get(i).get("y"))).isEqualTo(label[i]);
                worst = Math.max(worst, Math.abs(Double.parseDouble(rows.get(i).get("y_mean")) - mean[i]));
                worst = Math.max(worst, Math.abs(Double.parseDouble(rows.get(i).get("y_std")) - std[i]));
                assertThat(std[i]).isPositive();
            }
            assertThat(worst).isLessThan(1e-12);
            // the summary
            JsonNode t = m.get("parts").get(split).get("y");
            assertThat(t.get("n").asInt()).isEqualTo(n);
            assertThat(t.get("mae").asDouble()).isCloseTo(ae / n, within(1e-12));
            assertThat(t.get("rmse").asDouble()).isCloseTo(Math.sqrt(se / n), within(1e-12));
            assertThat(t.get("meanStd").asDouble()).isCloseTo(sd / n, within(1e-12));
            assertThat(t.has("r2")).isTrue();
            assertThat(t.get("spearman").asDouble())
                    .isCloseTo(RankCorrelation.spearman(std, absErr), within(1e-12))
                    .isBetween(-1.0, 1.0);
            for (int k = 0; k < 3; k++) {
                assertThat(t.get("memberMae").get(k).asDouble()).isCloseTo(memberAe[k] / n, within(1e-12));
            }
        }
    }

    @Test
    void predictWithTheFolderGivesMeanAndStd() throws IOException {
        Path out = dir.resolve("pred.csv");
        Cli.Result r = Cli.run("predict", "-m", ens.toString(), data.toString(), "-o", out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(header(out)).containsExactly("id", "y", "y_std", "error");
        assertThat(r.err()).contains("with 3 model(s)");
        Map<String, CSVRecord> byId = new HashMap<>();
        readCsv(out).forEach(x -> byId.put(x.get("id"), x));
        assertThat(byId).hasSize(24);
        for (CSVRecord row : readCsv(ens.resolve("ensemble_val.csv"))) {
            CSVRecord p = byId.get(row.get("id"));
            assertThat(Double.parseDouble(p.get("y"))).isCloseTo(Double.parseDouble(row.get("y_mean")),
                    within(1e-12));
            assertThat(Double.parseDouble(p.get("y_std"))).isCloseTo(Double.parseDouble(row.get("y_std")),
                    within(1e-12));
        }
    }

    @Test
    void evaluateOfTheFolderReportsTheSpearmanCorrelation() throws IOException {
        Path out = dir.resolve("eval");
        Cli.Result r = Cli.run("evaluate", "-m", ens.toString(), "--data", data.toString(), "--split-column",
                "split", "--out", out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).contains("mean of 3 models").contains("spearman");
        JsonNode ev = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        JsonNode tr = new ObjectMapper().readTree(ens.resolve("ensemble_metrics.json").toFile());
        assertThat(ev.get("models")).hasSize(3);
        for (String split : List.of("val", "test")) {
            JsonNode a = ev.get("parts").get(split).get("y");
            JsonNode b = tr.get("parts").get(split).get("y");
            for (String key : List.of("mae", "rmse", "meanStd", "spearman")) {
                assertThat(a.get(key).asDouble()).as(split + " " + key).isCloseTo(b.get(key).asDouble(),
                        within(1e-12));
            }
        }
        assertThat(header(out.resolve("metrics.csv"))).containsExactly("part", "target", "n", "mae", "rmse", "r2",
                "mean_std", "spearman");
        assertThat(header(out.resolve("predictions_val.csv"))).containsExactly("id", "row", "y", "y_predicted",
                "y_std", "error");
        // repeated -m is the same ensemble
        Cli.Result two = Cli.run("evaluate", "-m", member(1).toString(), "-m", member(2).toString(), "--data",
                data.toString(), "--split-column", "split");
        assertThat(two.status()).as(two.toString()).isZero();
        assertThat(two.out()).contains("mean of 2 models");
    }

    @Test
    void resumeSkipsFinishedMembersAndContinuesTheStoppedOne() throws IOException {
        Path run = dir.resolve("resumed");
        String[] common = {"train", "--data", data.toString(), "--target", "y", "--split-column", "split",
            "--config", config.toString(), "--epochs", "2", "--seed", Long.toString(SEED), "--ensemble", "2",
            "--out", run.toString(), "--quiet"};
        // 3 epochs: member-1 finishes (2), member-2 stops after its first
        Cli.Result first = Cli.run(concat(common, "--stop-after", "3"));
        assertThat(first.status()).as(first.toString()).isZero();
        assertThat(first.out()).contains("stopped in member-2 after epoch 1");
        Path m1 = run.resolve("member-1").resolve("model.xtal");
        assertThat(m1).isRegularFile();
        assertThat(run.resolve("member-2").resolve("model.xtal")).doesNotExist();
        assertThat(run.resolve("ensemble_metrics.json")).doesNotExist();
        Cli.Result unfinished = Cli.run("predict", "-m", run.toString(), data.toString());
        assertThat(unfinished.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(unfinished.err()).contains("member-2").contains("not finished");
        byte[] m1Bytes = Files.readAllBytes(m1);
        long m1Time = Files.getLastModifiedTime(m1).toMillis();

        Cli.Result second = Cli.run(concat(common, "--resume"));
        assertThat(second.status()).as(second.toString()).isZero();
        assertThat(second.out()).contains("member-1 (seed 5): finished before, skipped");
        assertThat(Files.readAllBytes(m1)).isEqualTo(m1Bytes);
        assertThat(Files.getLastModifiedTime(m1).toMillis()).isEqualTo(m1Time);
        assertThat(readCsv(run.resolve("member-2").resolve("metrics.csv"))).hasSize(2);
        assertThat(run.resolve("ensemble_metrics.json")).isRegularFile();
        // member-2, stopped and resumed, predicts as the unbroken member-2 (same seed 6) of the main ensemble
        List<Structure> val = part("val").stream().map(Record::structure).toList();
        try (Predictor a = Predictor.open(run.resolve("member-2").resolve("model.xtal"));
             Predictor b = Predictor.open(member(2))) {
            List<Prediction> pa = a.predict(val, 8);
            List<Prediction> pb = b.predict(val, 8);
            double worst = 0;
            for (int i = 0; i < val.size(); i++) {
                worst = Math.max(worst, Math.abs(pa.get(i).values()[0] - pb.get(i).values()[0]));
            }
            assertThat(worst).isLessThan(1e-9);
        }
    }

    @Test
    void badEnsembleArgumentsAreRefused() throws IOException {
        Cli.Result zero = Cli.run("train", "--data", data.toString(), "--target", "y", "--ensemble", "0", "--out",
                dir.resolve("never").toString());
        assertThat(zero.status()).isEqualTo(Xtal.USAGE);
        assertThat(zero.err()).contains("--ensemble");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Cli.Result none = Cli.run("predict", "-m", empty.toString(), data.toString());
        assertThat(none.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(none.err()).contains("member-N/model.xtal");
    }

    private static String[] concat(String[] a, String... b) {
        String[] c = new String[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
