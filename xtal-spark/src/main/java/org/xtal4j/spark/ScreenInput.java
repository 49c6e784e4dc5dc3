package org.xtal4j.spark;

import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/** Reading the structure table and writing the results: Parquet, CSV (with header) or JSON lines. */
public final class ScreenInput {

    private ScreenInput() {
    }

    /** The format of a path by its extension (.parquet, .csv[.gz], .json/.jsonl[.gz]); a folder is Parquet. */
    public static String formatOf(String path) {
        String p = path.toLowerCase(Locale.ROOT).replaceAll("\\.(gz|bz2|xz|snappy)$", "").replaceAll("/+$", "");
        if (p.endsWith(".csv")) {
            return "csv";
        }
        if (p.endsWith(".json") || p.endsWith(".jsonl") || p.endsWith(".ndjson")) {
            return "json";
        }
        return "parquet";
    }

    /**
     * Reads a table. CSV cells may span lines (CIF text in quotes); every CSV column is read as text.
     *
     * @param format parquet, csv or json; null to go by the extension
     */
    public static Dataset<Row> read(SparkSession spark, String path, String format) {
        String f = format != null ? format : formatOf(path);
        return switch (f) {
            case "csv" -> spark.read().option("header", "true").option("multiLine", "true")
                    .option("escape", "\"").option("mode", "PERMISSIVE").csv(path);
            case "json" -> spark.read().option("mode", "PERMISSIVE").json(path);
            case "parquet" -> spark.read().parquet(path);
            default -> throw new IllegalArgumentException("unknown input format '" + f
                    + "'; known: " + Arrays.asList("parquet", "csv", "json"));
        };
    }

    /** Writes a table to a folder of part files. */
    public static void write(Dataset<Row> table, String path, String format, boolean overwrite) {
        var w = table.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists);
        switch (format) {
            case "csv" -> w.option("header", "true").option("escape", "\"").csv(path);
            case "parquet" -> w.parquet(path);
            case "json" -> w.json(path);
            default -> throw new IllegalArgumentException("unknown output format '" + format
                    + "'; known: parquet, csv, json");
        }
    }
}
