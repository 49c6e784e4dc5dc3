package org.xtal4j.spark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkFiles;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.predict.Predictor;

/**
 * The models of this JVM: each model file is loaded once per executor (not per task or row) and kept for
 * the JVM's life, keyed by the file's path, size, modification time and precision. The tasks of an
 * executor share it; {@link Predictor#predict} is safe to call from several task threads.
 */
public final class ExecutorModels {

    private static final Map<String, Predictor> LOADED = new ConcurrentHashMap<>();
    private static volatile String backendKey;

    private ExecutorModels() {
    }

    /** The predictors of the job's model files, loading the ones this JVM has not seen yet. */
    public static List<Predictor> get(ScreenOptions options) {
        startBackend(options);
        List<Predictor> out = new ArrayList<>();
        for (String m : options.models()) {
            Path p = locate(m);
            String key;
            try {
                key = p.toRealPath() + "|" + Files.size(p) + "|" + Files.getLastModifiedTime(p).toMillis() + "|"
                        + options.precision();
            } catch (IOException e) {
                throw new UncheckedIOException(p + ": cannot read the model file", e);
            }
            out.add(LOADED.computeIfAbsent(key, k -> load(p)));
        }
        return out;
    }

    /** How many model files this JVM holds (for tests: loaded once, not per partition). */
    public static int loadedCount() {
        return LOADED.size();
    }

    /** The file shipped with the job (SparkFiles) or, without one, the path as given (a shared file system). */
    static Path locate(String model) {
        String name = Path.of(model).getFileName().toString();
        try {
            File shipped = new File(SparkFiles.get(name));
            if (shipped.isFile()) {
                return shipped.toPath();
            }
        } catch (RuntimeException e) {
            // no SparkEnv (called outside a job): fall back to the path
        }
        return Path.of(model);
    }

    private static synchronized void startBackend(ScreenOptions options) {
        String key = options.precision() + "|" + options.threadsPerTask();
        if (!key.equals(backendKey)) {
            Backend.initialise(new Backend.Options(Precision.parse(options.precision()), options.threadsPerTask()));
            backendKey = key;
        }
    }

    private static Predictor load(Path p) {
        try {
            return Predictor.open(p, StructureText::describe);
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": cannot read the model file: " + e.getMessage(), e);
        }
    }
}
