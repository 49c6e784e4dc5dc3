package org.xtal4j.cli;

import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Options of the commands that run a model forward (predict, evaluate): batch size, precision, threads. */
final class InferenceOptions {

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "N",
            description = "Structures per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--precision", defaultValue = "float32", paramLabel = "P",
            description = "float32 or float64 (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--threads", paramLabel = "N", description = "Intra-op threads (default: all cores).")
    int threads;

    /** Checks the values and starts the engine with them; bad values are usage errors of {@code cmd}. */
    void startBackend(CommandLine cmd) {
        if (batchSize < 1) {
            throw new ParameterException(cmd, "--batch-size must be at least 1");
        }
        Precision prec;
        try {
            prec = Precision.parse(precision);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cmd, "--precision: " + e.getMessage());
        }
        Backend.initialise(new Backend.Options(prec, threads));
    }
}
