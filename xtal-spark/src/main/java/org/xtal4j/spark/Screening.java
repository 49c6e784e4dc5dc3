package org.xtal4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.xtal4j.nn.model.ModelFile;

/**
 * Predicting a table of structures with one model file or an ensemble, as a Spark transform.
 *
 * <pre>{@code
 * ScreenOptions o = ScreenOptions.builder().model(Path.of("model.xtal")).build();
 * Dataset<Row> in = ScreenInput.read(spark, "candidates.parquet", null);
 * Dataset<Row> out = Screening.predict(in, o);   // id, <target>..., [<target>_std...], error
 * }</pre>
 *
 * The output keeps the input's columns except the structure column, then one column per target, with
 * several model files also {@code <target>_std} (sample standard deviation over the models), then
 * {@code error} (null when predicted). An input column named like an output column is renamed
 * {@code <name>_input}. Rows already carrying an error (from {@link Featurise}) are not predicted.
 */
public final class Screening {

    private Screening() {
    }

    /** The predicted targets of the job's model files, checked on the driver to be one type and target set. */
    public static List<String> targets(ScreenOptions options) {
        List<String> targets = null;
        String type = null;
        Set<String> names = new HashSet<>();
        for (String m : options.models()) {
            if (!names.add(Path.of(m).getFileName().toString())) {
                throw new IllegalArgumentException("two model files are named " + Path.of(m).getFileName()
                        + "; files shipped with a job need distinct names");
            }
            ModelFile f;
            try {
                f = ModelFile.read(Path.of(m));
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
            List<String> t = f.normalisation().names();
            if (targets == null) {
                targets = t;
                type = f.modelType();
            } else if (!t.equals(targets) || !f.modelType().equals(type)) {
                throw new IllegalArgumentException(m + " is a '" + f.modelType() + "' model of " + t + " but "
                        + options.models().get(0) + " a '" + type + "' model of " + targets
                        + "; an ensemble needs models of one type and the same targets");
            }
        }
        return targets;
    }

    /** Ships the model files with the job (SparkContext.addFile): executors read them from SparkFiles. */
    public static void ship(SparkSession spark, ScreenOptions options) {
        for (String m : options.models()) {
            spark.sparkContext().addFile(m);
        }
    }

    /** Predictions for every row; see the class comment for the columns. Ships the model files. */
    public static Dataset<Row> predict(Dataset<Row> input, ScreenOptions options) {
        List<String> targets = targets(options);
        ship(input.sparkSession(), options);
        StructType in = input.schema();
        String sc = Columns.structure(in, options);
        String idc = Columns.id(in, options);
        boolean ensemble = options.models().size() > 1;
        List<String> added = new ArrayList<>();
        for (String t : targets) {
            added.add(t);
            if (ensemble) {
                added.add(t + Columns.STD_SUFFIX);
            }
        }
        StructType out = new StructType();
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < in.fields().length; i++) {
            StructField f = in.fields()[i];
            if (f.name().equals(sc) || f.name().equals(Columns.ERROR)) {
                continue;
            }
            kept.add(i);
            boolean clash = added.contains(f.name());
            out = out.add(clash ? f.name() + "_input" : f.name(), f.dataType(), f.nullable());
        }
        for (String a : added) {
            out = out.add(a, DataTypes.DoubleType);
        }
        out = out.add(Columns.ERROR, DataTypes.StringType);
        PredictPartition fn = new PredictPartition(options, Columns.index(in, sc), Columns.index(in, idc),
                Columns.index(in, Columns.ERROR), kept.stream().mapToInt(Integer::intValue).toArray(),
                targets.size(), ensemble);
        return input.mapPartitions(fn, Encoders.row(out));
    }
}
