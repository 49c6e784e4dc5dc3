package org.xtal4j.nn.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.model.ModelFile;
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelRegistry;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.nn.model.Weights;
import org.xtal4j.structure.Structure;

/**
 * A trained model read from a {@code .xtal} file, ready to predict: plugin, setup and a block holding the
 * file's weights, in the backend's precision at load time. Predictions are in the targets' own units (the
 * normalisation undone). {@link #predict} may be called from several threads at once: each call works in
 * its own sub-manager and parameter store, the weights are only read.
 */
public final class Predictor implements AutoCloseable {

    private final Path path;
    private final ModelFile file;
    private final ModelPlugin plugin;
    private final ModelSetup setup;
    private final NDManager manager;
    private final Block block;
    private final Function<Throwable, String> describe;

    private Predictor(Path path, ModelFile file, ModelPlugin plugin, ModelSetup setup, NDManager manager,
                      Block block, Function<Throwable, String> describe) {
        this.path = path;
        this.file = file;
        this.plugin = plugin;
        this.setup = setup;
        this.manager = manager;
        this.block = block;
        this.describe = describe;
    }

    /** Opens a model file; per-structure errors are described by {@link #describeSimply}. */
    public static Predictor open(Path path) throws IOException {
        return open(path, Predictor::describeSimply);
    }

    /**
     * Opens a model file.
     *
     * @param describe turns an exception of one structure into its error text
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when its model type is unknown or its weights do not fit the model
     */
    public static Predictor open(Path path, Function<Throwable, String> describe) throws IOException {
        ModelFile file = ModelFile.read(path);
        ModelPlugin plugin = ModelRegistry.find(file.modelType()).orElseThrow(() -> new IllegalArgumentException(
                path + ": model type '" + file.modelType() + "' is not known to this xtal (known: "
                        + ModelRegistry.names() + ")"));
        Backend backend = Backend.get();
        ModelSetup setup = ModelSetup.of(file, plugin, backend.precision());
        NDManager manager = backend.newManager();
        try {
            Block block = plugin.newBlock(setup);
            plugin.initialize(block, manager, setup);
            Weights.load(plugin.namedParameters(block), file.weights(), true);
            return new Predictor(path, file, plugin, setup, manager, block, describe);
        } catch (RuntimeException e) {
            manager.close();
            throw new IllegalArgumentException(path + ": weights do not fit the model: " + e.getMessage(), e);
        }
    }

    /** The message of an exception, with its class when the message alone would say too little. */
    public static String describeSimply(Throwable e) {
        if (e instanceof IllegalArgumentException && e.getMessage() != null) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
    }

    public Path path() {
        return path;
    }

    public ModelFile file() {
        return file;
    }

    public String modelType() {
        return file.modelType();
    }

    public List<String> targets() {
        return setup.targetNames();
    }

    /**
     * Refuses to mix models of other types or target sets with this one.
     *
     * @throws IllegalArgumentException saying why they cannot form an ensemble
     */
    public void checkCompatible(Predictor other) {
        if (!other.modelType().equals(modelType())) {
            throw new IllegalArgumentException(other.path + " holds a '" + other.modelType() + "' model but " + path
                    + " a '" + modelType() + "' model; an ensemble needs models of one type");
        }
        if (!other.targets().equals(targets())) {
            throw new IllegalArgumentException(other.path + " predicts " + other.targets() + " but " + path
                    + " predicts " + targets() + "; an ensemble needs models of the same targets");
        }
    }

    /** Predicts every structure; a structure the model cannot take gets its error, the others go on. */
    public List<Prediction> predict(List<Structure> structures, int batchSize) {
        Prediction[] out = new Prediction[structures.size()];
        List<Sample> ready = new ArrayList<>();
        List<Integer> where = new ArrayList<>();
        for (int i = 0; i < structures.size(); i++) {
            try {
                Structure s = structures.get(i);
                if (s.size() == 0) {
                    throw new IllegalArgumentException("structure has no sites");
                }
                if (!(Math.abs(s.lattice().volume()) > 1e-6)) {
                    throw new IllegalArgumentException("cell volume is " + s.lattice().volume() + " Å³");
                }
                ready.add(plugin.prepare(s, setup));
                where.add(i);
            } catch (RuntimeException e) {
                out[i] = Prediction.failed(describe.apply(e));
            }
        }
        for (int from = 0; from < ready.size(); from += batchSize) {
            int to = Math.min(ready.size(), from + batchSize);
            List<Sample> batch = ready.subList(from, to);
            try {
                double[][] p = run(batch);
                for (int k = 0; k < p.length; k++) {
                    out[where.get(from + k)] = new Prediction(p[k], null);
                }
            } catch (RuntimeException e) {
                // find the structure that broke the batch: one at a time
                for (int k = from; k < to; k++) {
                    try {
                        out[where.get(k)] = new Prediction(run(List.of(ready.get(k)))[0], null);
                    } catch (RuntimeException e1) {
                        out[where.get(k)] = Prediction.failed(describe.apply(e1));
                    }
                }
            }
        }
        return Arrays.asList(out);
    }

    private double[][] run(List<Sample> samples) {
        int nt = setup.targetNames().size();
        Normalisation norm = setup.normalisation();
        try (NDManager sm = manager.newSubManager(); NDScope scope = new NDScope()) {
            Backend.get().ensureFlushDenormal();
            // a store per call: the stores of concurrent calls never share state
            ParameterStore store = new ParameterStore(sm, false);
            NDList outputs = plugin.forward(block, store, plugin.collate(samples, sm, setup), false, false, setup);
            NDArray pred = outputs.get(ModelPlugin.OUTPUT_PREDICTION);
            double[] p = pred.toType(DataType.FLOAT64, false).toDoubleArray();
            double[][] res = new double[samples.size()][nt];
            for (int b = 0; b < samples.size(); b++) {
                for (int t = 0; t < nt; t++) {
                    double v = norm.targets().get(t).denormalise(p[b * nt + t]);
                    if (!Double.isFinite(v)) {
                        throw new IllegalArgumentException("the model gave " + v + " for target "
                                + norm.names().get(t));
                    }
                    res[b][t] = v;
                }
            }
            return res;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
