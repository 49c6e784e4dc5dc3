package org.xtal4j.nn.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.xtal4j.nn.io.NamedTensors;

/**
 * What a {@link Trainer#run()} produced.
 *
 * @param completed  false when the run stopped at {@code stopAfterEpochs} before the end (resume later)
 * @param epochsDone epochs completed in total (over all resumed runs)
 * @param bestEpoch  1-based epoch with the lowest validation loss (training loss without validation)
 * @param history    one row per completed epoch, as in metrics.csv
 * @param metrics    final metrics of the saved model (val_/test_ loss, mae, rmse, r2 per target; swa_ and
 *                   best_ variants); empty when not completed
 * @param modelFile  the written model ({@code model.xtal}), null when not completed
 * @param weights    the saved model's weights (SWA when averaging ran, otherwise best), null when not completed
 * @param usedSwa    whether {@code model.xtal} holds the SWA average
 */
public record TrainResult(boolean completed, int epochsDone, int bestEpoch, List<EpochMetrics> history,
                          Map<String, Double> metrics, Path modelFile, NamedTensors weights, boolean usedSwa) {

    public TrainResult {
        history = List.copyOf(history);
        metrics = Map.copyOf(metrics);
    }
}
