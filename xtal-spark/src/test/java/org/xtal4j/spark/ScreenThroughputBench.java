package org.xtal4j.spark;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.io.StructureIO;
import org.xtal4j.models.crystalformer.CrystalformerConfig;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.predict.Predictor;
import org.xtal4j.structure.Structure;

/**
 * Throughput, side by side in one JVM: the single-machine predict path (parse + Predictor, as
 * {@code xtal predict}) with 1 and 2 threads against the Spark job in local[1] and local[2] (Parquet in,
 * Parquet out), on the same Materials Project structures, with the reference-size Crystalformer
 * (4 layers, 128 wide, value position encoding, adaptive box; random weights). Not a test: runs only with
 * {@code -Dxtal.spark.bench=N} (N structures), e.g.
 * {@code mvn -o -B -Pspark,shared -pl xtal-spark -am test -Dtest=ScreenThroughputBench -Dxtal.spark.bench=400
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("shared")
class ScreenThroughputBench {

    /** Structures per forward pass; big cells with the reference-size model need ~16 within a 4 GB heap. */
    static final int BATCH = Integer.getInteger("xtal.spark.bench.batch", 64);

    @TempDir
    Path dir;

    @Test
    void throughput() throws Exception {
        int n = Integer.getInteger("xtal.spark.bench", 0);
        assumeTrue(n > 0, "a benchmark: run with -Dxtal.spark.bench=N");
        Backend.initialise(new Backend.Options(Precision.FLOAT32, 1));
        Path model = TestModels.crystalformer(dir, "reference-size.xtal", 11, CrystalformerConfig.builder().build());
        // every 34th row: a sample of the whole pool (34,499 rows sorted by id; the first rows are small cells)
        int stride = Integer.getInteger("xtal.spark.bench.stride", 34);
        Map<String, String> rows = MpScreeningSharedTest.mpRows(n, stride);
        int[] sites = rows.values().stream()
                .mapToInt(c -> StructureIO.parse(c, "x", StructureIO.format("cif"), null).get(0).size()).sorted()
                .toArray();
        Path parquet = dir.resolve("in.parquet");
        SparkSession spark = TestModels.spark(2);
        MpScreeningSharedTest.writeParquet(spark, rows, parquet, 8);
        spark.stop();

        List<String> report = new ArrayList<>();
        say(report, String.format(Locale.ROOT, "sample: %d structures (every %d-th of the pool), sites mean %.1f,"
                + " median %d, max %d; batch %d", sites.length, stride, java.util.Arrays.stream(sites).average().orElse(0),
                sites[sites.length / 2], sites[sites.length - 1], BATCH));
        // warm-up: engine, JIT, first model load
        single(model, rows, 1, Math.min(n, 32));
        double s1 = single(model, rows, 1, n);
        say(report, line("single machine, 1 thread", n, s1));
        double s2 = single(model, rows, 2, n);
        say(report, line("single machine, 2 threads", n, s2));
        double k1 = spark(model, parquet, 1, n);
        say(report, line("spark local[1]", n, k1));
        double k2 = spark(model, parquet, 2, n);
        say(report, line("spark local[2]", n, k2));
        say(report, String.format(Locale.ROOT, "ratios: local[1]/single-1t %.2f, local[2]/single-1t %.2f,"
                + " local[2]/single-2t %.2f, local[2]/local[1] %.2f", s1 / k1, s1 / k2, s2 / k2, k1 / k2));
    }

    /** Printed at once: a long run that is cut off still leaves what it measured. */
    private static void say(List<String> report, String line) {
        report.add(line);
        System.out.println("BENCH " + line);
        System.out.flush();
    }

    private static String line(String what, int n, double secs) {
        return String.format(Locale.ROOT, "%-28s %5d structures in %7.1f s = %6.2f structures/s", what, n, secs,
                n / secs);
    }

    /** Seconds to parse and predict (batch {@link #BATCH}) with {@code threads} PyTorch threads. */
    private static double single(Path model, Map<String, String> rows, int threads, int n) throws Exception {
        Backend.initialise(new Backend.Options(Precision.FLOAT32, threads));
        long t0 = System.nanoTime();
        List<Structure> s = new ArrayList<>();
        for (String cif : rows.values()) {
            if (s.size() == n) {
                break;
            }
            s.add(StructureIO.parse(cif, "x", StructureIO.format("cif"), null).get(0));
        }
        try (Predictor p = Predictor.open(model)) {
            p.predict(s, BATCH);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Seconds for a whole screening job (session start excluded, model load on first use included). */
    private static double spark(Path model, Path parquet, int cores, int n) {
        SparkSession spark = TestModels.spark(cores);
        try {
            ScreenOptions o = ScreenOptions.builder().model(model).batchSize(BATCH).build();
            long t0 = System.nanoTime();
            ScreenInput.write(Screening.predict(ScreenInput.read(spark, parquet.toString(), null), o),
                    parquet.resolveSibling("out-" + cores).toString(), "parquet", true);
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            spark.stop();
        }
    }
}
