package org.xtal4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.XZInputStream;
import org.xtal4j.cli.Xtal;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.testing.SharedData;

/**
 * 2,000 Materials Project structures (and a few malformed rows) screened in local[2] from Parquet give the
 * predictions of {@code xtal predict} on the same rows as CSV, to 1e-6, and the same rows fail.
 */
@Tag("shared")
class MpScreeningSharedTest {

    static final int N = Integer.getInteger("xtal.spark.test.n", 2000);

    @TempDir
    Path dir;

    /** The first n rows of the pool (id = material_id, cif), read from the xz-compressed CSV. */
    static Map<String, String> mpRows(int n) throws Exception {
        return mpRows(n, 1);
    }

    /** n rows of the pool, every {@code stride}-th from the first. */
    static Map<String, String> mpRows(int n, int stride) throws Exception {
        Path csv = SharedData.resolve("data/mp_cgcnn_36k/mp_cgcnn_36k_pool.csv.xz");
        Map<String, String> rows = new LinkedHashMap<>();
        try (Reader r = new BufferedReader(new InputStreamReader(new XZInputStream(Files.newInputStream(csv)),
                StandardCharsets.UTF_8), 1 << 16);
             CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
            long i = 0;
            for (CSVRecord rec : p) {
                if (i++ % stride != 0) {
                    continue;
                }
                rows.put(rec.get("material_id"), rec.get("cif"));
                if (rows.size() == n) {
                    break;
                }
            }
        }
        return rows;
    }

    /** Malformed rows, each a different way to fail, spread among the good ones. */
    static Map<String, String> withBadRows(Map<String, String> good) {
        List<Map.Entry<String, String>> g = new ArrayList<>(good.entrySet());
        String first = g.get(0).getValue();
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("bad-truncated", first.substring(0, first.indexOf("_cell_angle_alpha")));
        bad.put("bad-prose", "no structure here\njust words\n");
        bad.put("bad-empty", "");
        bad.put("bad-element", first.replace(" Cs ", " Xx ").replace("Cs  Cs0", "Xx  Xx0"));
        bad.put("bad-flat-cell", first.replaceAll("_cell_length_c\\s+[0-9.]+", "_cell_length_c 0.0"));
        bad.put("bad-einsteinium", first.replace("Cs  Cs0", "Es  Es0"));
        Map<String, String> all = new LinkedHashMap<>();
        int every = g.size() / bad.size();
        List<Map.Entry<String, String>> b = new ArrayList<>(bad.entrySet());
        for (int i = 0; i < g.size(); i++) {
            if (i % every == every / 2 && i / every < b.size()) {
                all.put(b.get(i / every).getKey(), b.get(i / every).getValue());
            }
            all.put(g.get(i).getKey(), g.get(i).getValue());
        }
        return all;
    }

    static void writeCsv(Map<String, String> rows, Path file) throws Exception {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').build())) {
            p.printRecord("id", "cif");
            for (Map.Entry<String, String> e : rows.entrySet()) {
                p.printRecord(e.getKey(), e.getValue());
            }
        }
    }

    static void writeParquet(SparkSession spark, Map<String, String> rows, Path dir) {
        writeParquet(spark, rows, dir, 4);
    }

    static void writeParquet(SparkSession spark, Map<String, String> rows, Path dir, int partitions) {
        StructType schema = new StructType().add("id", DataTypes.StringType).add("cif", DataTypes.StringType);
        List<Row> list = new ArrayList<>();
        rows.forEach((id, cif) -> list.add(RowFactory.create(id, cif.isEmpty() ? null : cif)));
        spark.createDataFrame(list, schema).repartition(partitions).write().parquet(dir.toString());
    }

    /** xtal predict's CSV: id to the row's cells. */
    static Map<String, CSVRecord> readPredictCsv(Path file) throws Exception {
        Map<String, CSVRecord> out = new HashMap<>();
        try (Reader r = Files.newBufferedReader(file);
             CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
            for (CSVRecord rec : p) {
                out.put(rec.get("id"), rec);
            }
        }
        return out;
    }

    @Test
    void sparkScreeningEqualsXtalPredict() throws Exception {
        Backend.initialise(new Backend.Options(Precision.FLOAT32, 1));
        Path model = TestModels.crystalformer(dir, "model.xtal", 7);
        Map<String, String> rows = withBadRows(mpRows(N));
        Path csv = dir.resolve("input.csv");
        writeCsv(rows, csv);

        Path predicted = dir.resolve("predict.csv");
        long t0 = System.nanoTime();
        int rc = Xtal.commandLine().execute("predict", "-m", model.toString(), "--id-column", "id",
                "--structure-column", "cif", "--batch-size", "64", "--threads", "1", "-o", predicted.toString(),
                csv.toString());
        double predictSecs = (System.nanoTime() - t0) / 1e9;
        assertThat(rc).as("xtal predict: some rows fail").isEqualTo(Xtal.INPUT_FAILED);
        Map<String, CSVRecord> ref = readPredictCsv(predicted);
        assertThat(ref).hasSize(rows.size());

        SparkSession spark = TestModels.spark(2);
        try {
            Path parquet = dir.resolve("input.parquet");
            writeParquet(spark, rows, parquet);
            ScreenOptions o = ScreenOptions.builder().model(model).batchSize(64).build();
            long t1 = System.nanoTime();
            Dataset<Row> in = ScreenInput.read(spark, parquet.toString(), null);
            List<Row> out = Screening.predict(in, o).collectAsList();
            double sparkSecs = (System.nanoTime() - t1) / 1e9;
            assertThat(out).hasSize(rows.size());
            double worst = 0;
            int predictedRows = 0;
            List<String> failed = new ArrayList<>();
            for (Row r : out) {
                String id = r.getString(r.fieldIndex("id"));
                CSVRecord x = ref.get(id);
                assertThat(x).as(id).isNotNull();
                String error = r.getString(r.fieldIndex("error"));
                assertThat(error == null).as(id + ": spark error " + error + ", xtal predict error '"
                        + x.get("error") + "'").isEqualTo(x.get("error").isEmpty());
                if (error != null) {
                    failed.add(id);
                    continue;
                }
                predictedRows++;
                for (String t : List.of("e_form", "gap")) {
                    worst = Math.max(worst, Math.abs(r.getDouble(r.fieldIndex(t)) - Double.parseDouble(x.get(t))));
                }
            }
            System.out.printf("mp screening: %d rows, %d predicted, failed %s; worst |spark - xtal predict| = %.3g;"
                    + " xtal predict %.1f s, spark local[2] %.1f s%n", rows.size(), predictedRows, failed, worst,
                    predictSecs, sparkSecs);
            assertThat(worst).as("worst |spark - xtal predict|").isLessThanOrEqualTo(1e-6);
            assertThat(failed).as("exactly the malformed rows fail")
                    .containsExactlyInAnyOrderElementsOf(rows.keySet().stream().filter(k -> k.startsWith("bad-"))
                            .toList());
            assertThat(predictedRows).isEqualTo(N);
        } finally {
            spark.stop();
        }
    }
}
