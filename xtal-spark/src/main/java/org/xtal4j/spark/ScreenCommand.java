package org.xtal4j.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code xtal screen}: the screening job from the command line. In local mode ({@code --master local[N]}, the
 * default without spark-submit) it needs no cluster; under spark-submit the master comes from Spark.
 */
@Command(
        name = "screen",
        description = "Predict a table of structures (Parquet, CSV or JSON lines with an id column and a CIF, "
                + "POSCAR or pymatgen-JSON column) on Apache Spark. Output: a folder of Parquet (or CSV) part files "
                + "with the input's columns less the structure, one column per target, <target>_std with several "
                + "--model files, and error (empty when predicted). A bad structure never fails the job.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every row was predicted (or top-k written)", "1:some rows have errors, or the job failed",
                "2:usage error"})
public final class ScreenCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE",
            description = "Model file (.xtal); repeat for an ensemble of models of the same type and targets.")
    private List<Path> models = new ArrayList<>();

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "PATH",
            description = "Input table: file or folder; any path Spark reads (file:, hdfs:, s3a:).")
    private String input;

    @Option(names = "--input-format", paramLabel = "F", description = "parquet, csv or json (default: by extension).")
    private String inputFormat;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Output folder.")
    private String output;

    @Option(names = "--format", defaultValue = "parquet", paramLabel = "F",
            description = "Output format: parquet or csv (default: ${DEFAULT-VALUE}).")
    private String format;

    @Option(names = "--overwrite", description = "Replace an existing output folder.")
    private boolean overwrite;

    @Option(names = "--id-column", defaultValue = "id", paramLabel = "C", description = "Id column (default: ${DEFAULT-VALUE}).")
    private String idColumn;

    @Option(names = "--structure-column", paramLabel = "C",
            description = "Structure column (default: the first of structure, cif, poscar, structure_json).")
    private String structureColumn;

    @Option(names = "--structure-format", paramLabel = "F",
            description = "cif, poscar or json (default: recognised per row).")
    private String structureFormat;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: spark-submit's, else local[*]), e.g. local[2].")
    private String master;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Repartition the input into N partitions first (default: as read).")
    private int partitions;

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "N",
            description = "Structures per forward pass (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--precision", defaultValue = "float32", paramLabel = "P",
            description = "float32 or float64 (default: ${DEFAULT-VALUE}).")
    private String precision;

    @Option(names = "--threads-per-task", defaultValue = "1", paramLabel = "N",
            description = "PyTorch threads per executor JVM (default: ${DEFAULT-VALUE}; parallelism comes from "
                    + "Spark's cores).")
    private int threads;

    @Option(names = "--features", description = "Add n_sites, formula, reduced_formula, chemical_system.")
    private boolean features;

    @Option(names = "--primitive", description = "With --features, also primitive_n_sites (primitive-cell search).")
    private boolean primitive;

    @Option(names = "--where", paramLabel = "SQL",
            description = "Keep only rows matching this Spark SQL condition before predicting, e.g. "
                    + "\"n_sites <= 40\" (implies --features when it names a feature).")
    private String where;

    @Option(names = "--top", paramLabel = "N", description = "Keep only the best N rows by --by (per --per group).")
    private int top;

    @Option(names = "--by", paramLabel = "TARGET", description = "Predicted column that --top ranks on.")
    private String by;

    @Option(names = "--descending", description = "With --top: highest first (default: lowest first).")
    private boolean descending;

    @Option(names = "--per", paramLabel = "C",
            description = "With --top: best N per value of this column, e.g. chemical_system (implies --features "
                    + "for feature columns).")
    private String per;

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        PrintWriter err = cmd.getErr();
        if (!List.of("parquet", "csv").contains(format)) {
            throw new ParameterException(cmd, "--format must be parquet or csv, not '" + format + "'");
        }
        if (top > 0 && by == null) {
            throw new ParameterException(cmd, "--top needs --by TARGET");
        }
        if ((by != null || per != null) && top < 1) {
            throw new ParameterException(cmd, "--by and --per go with --top N");
        }
        for (Path m : models) {
            if (!Files.isRegularFile(m)) {
                throw new ParameterException(cmd, m + ": no such model file");
            }
        }
        ScreenOptions options;
        try {
            options = ScreenOptions.builder().models(models).idColumn(idColumn).structureColumn(structureColumn)
                    .structureFormat(structureFormat).batchSize(batchSize).precision(precision)
                    .threadsPerTask(threads).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cmd, e.getMessage());
        }
        boolean featureNeeded = features || primitive
                || (per != null && isFeature(per)) || (where != null && mentionsFeature(where));
        SparkSession spark = session();
        try {
            long t0 = System.nanoTime();
            Dataset<Row> in = ScreenInput.read(spark, input, inputFormat);
            if (partitions > 0) {
                in = in.repartition(partitions);
            }
            Dataset<Row> table = featureNeeded ? Featurise.apply(in, options, primitive) : in;
            if (where != null) {
                table = featureNeeded ? table.filter(col(Columns.ERROR).isNotNull().or(expr(where)))
                        : table.filter(where);
            }
            Dataset<Row> predicted = Screening.predict(table, options);
            Dataset<Row> result = top > 0 ? TopK.best(predicted, by, top, descending, per, idColumn) : predicted;
            ScreenInput.write(result, output, format, overwrite);
            double secs = (System.nanoTime() - t0) / 1e9;
            Dataset<Row> written = ScreenInput.read(spark, output, format);
            long rows = written.count();
            long failed = top > 0 ? 0 : written.filter(col(Columns.ERROR).isNotNull()).count();
            err.printf(Locale.ROOT, "xtal: screened with %d model(s) on %s in %.1f s: %d rows written to %s,"
                            + " %d with errors%n", models.size(), spark.sparkContext().master(), secs, rows, output,
                    failed);
            err.flush();
            return failed > 0 ? 1 : 0;
        } finally {
            spark.stop();
        }
    }

    private static boolean isFeature(String c) {
        return List.of(Featurise.N_SITES, Featurise.FORMULA, Featurise.REDUCED_FORMULA, Featurise.CHEMICAL_SYSTEM,
                Featurise.PRIMITIVE_N_SITES).contains(c);
    }

    private static boolean mentionsFeature(String sql) {
        for (String f : List.of(Featurise.N_SITES, Featurise.FORMULA, Featurise.REDUCED_FORMULA,
                Featurise.CHEMICAL_SYSTEM, Featurise.PRIMITIVE_N_SITES)) {
            if (sql.contains(f)) {
                return true;
            }
        }
        return false;
    }

    private SparkSession session() {
        SparkConf conf = new SparkConf(true);   // picks up spark-submit's settings
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        conf.setIfMissing("spark.app.name", "xtal screen");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        SparkSession s = SparkSession.builder().config(conf).getOrCreate();
        s.sparkContext().setLogLevel("WARN");
        return s;
    }
}
