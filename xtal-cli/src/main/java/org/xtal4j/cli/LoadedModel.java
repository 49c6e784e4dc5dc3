package org.xtal4j.cli;

import java.io.IOException;
import java.nio.file.Path;
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

    /** Refuses to mix models of other types or target sets with the first one. */
    static void checkCompatible(Predictor first, Predictor other) {
        try {
            first.checkCompatible(other);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage(), e);
        }
    }
}
