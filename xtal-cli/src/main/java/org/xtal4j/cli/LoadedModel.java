package org.xtal4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.xtal4j.nn.predict.Predictor;

/**
 * Opens model files for the commands that predict: {@link Predictor} (shared with the Spark screening job)
 * with the CLI's error texts, and problems with the model file as {@link CliFailure}s.
 */
final class LoadedModel {

    private LoadedModel() {
    }

    static Predictor open(Path path) throws IOException {
        try {
            return Predictor.open(path, Problems::describe);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage(), e);
        }
    }

    /**
     * The model files that {@code -m} arguments name: files as they are, an ensemble folder (OUT of
     * {@code xtal train --ensemble}) as its members' model.xtal, a run folder as its model.xtal.
     */
    static List<Path> resolve(List<Path> args) throws IOException {
        return EnsembleFolder.modelFiles(args);
    }

    /** Opens every model (closing those already open when one fails) and checks they can form an ensemble. */
    static List<Predictor> openAll(List<Path> files) throws IOException {
        List<Predictor> loaded = new ArrayList<>();
        try {
            for (Path f : files) {
                Predictor p = open(f);
                loaded.add(p);
                if (loaded.size() > 1) {
                    checkCompatible(loaded.get(0), p);
                }
            }
            return loaded;
        } catch (IOException | RuntimeException e) {
            loaded.forEach(Predictor::close);
            throw e;
        }
    }

    /** Refuses to mix models of other types or target sets with the first one. */
    static void checkCompatible(Predictor first, Predictor other) {
        try {
            first.checkCompatible(other);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage(), e);
        }
    }
}
