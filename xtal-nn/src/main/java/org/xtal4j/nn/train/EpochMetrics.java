package org.xtal4j.nn.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.xtal4j.io.AtomicFiles;

/**
 * One row of {@code metrics.csv}: the epoch (1-based count of completed epochs), mean training loss
 * (normalised units) and training MAE per target (original units, from the training-mode predictions),
 * validation loss and MAE per target (NaN without a validation set), the learning rate at the end of the
 * epoch, wall seconds and training throughput.
 */
public record EpochMetrics(int epoch, double trainLoss, double[] trainMae, double valLoss, double[] valMae,
                           double lr, double seconds, double structuresPerSecond) {

    /** Same numbers apart from the timing columns (which differ between otherwise identical runs). */
    public boolean sameResults(EpochMetrics o) {
        return epoch == o.epoch && Double.compare(trainLoss, o.trainLoss) == 0
                && java.util.Arrays.equals(trainMae, o.trainMae) && Double.compare(valLoss, o.valLoss) == 0
                && java.util.Arrays.equals(valMae, o.valMae) && Double.compare(lr, o.lr) == 0;
    }

    ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("epoch", epoch);
        put(o, "trainLoss", trainLoss);
        ArrayNode a = o.putArray("trainMae");
        for (double d : trainMae) {
            a.add(d);
        }
        put(o, "valLoss", valLoss);
        ArrayNode b = o.putArray("valMae");
        for (double d : valMae) {
            if (Double.isNaN(d)) {
                b.addNull();
            } else {
                b.add(d);
            }
        }
        o.put("lr", lr);
        o.put("seconds", seconds);
        o.put("structuresPerSecond", structuresPerSecond);
        return o;
    }

    private static void put(ObjectNode o, String k, double v) {
        if (Double.isNaN(v)) {
            o.putNull(k);
        } else {
            o.put(k, v);
        }
    }

    static EpochMetrics fromJson(JsonNode o) {
        return new EpochMetrics(o.get("epoch").asInt(), num(o.get("trainLoss")), arr(o.get("trainMae")),
                num(o.get("valLoss")), arr(o.get("valMae")), o.get("lr").asDouble(), o.get("seconds").asDouble(),
                o.get("structuresPerSecond").asDouble());
    }

    private static double num(JsonNode n) {
        return n == null || n.isNull() ? Double.NaN : n.asDouble();
    }

    private static double[] arr(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = num(a.get(i));
        }
        return out;
    }

    /** Writes the whole table atomically (temporary file, then rename). */
    static void writeCsv(Path file, List<String> targets, List<EpochMetrics> rows) throws IOException {
        StringBuilder sb = new StringBuilder("epoch,train_loss");
        targets.forEach(t -> sb.append(",train_mae_").append(t));
        sb.append(",val_loss");
        targets.forEach(t -> sb.append(",val_mae_").append(t));
        sb.append(",lr,seconds,structures_per_s\n");
        for (EpochMetrics r : rows) {
            sb.append(r.epoch).append(',').append(fmt(r.trainLoss));
            for (double d : r.trainMae) {
                sb.append(',').append(fmt(d));
            }
            sb.append(',').append(fmt(r.valLoss));
            for (double d : r.valMae) {
                sb.append(',').append(fmt(d));
            }
            sb.append(',').append(fmt(r.lr)).append(',').append(String.format(Locale.ROOT, "%.3f", r.seconds))
                    .append(',').append(String.format(Locale.ROOT, "%.1f", r.structuresPerSecond)).append('\n');
        }
        writeAtomically(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String fmt(double d) {
        return Double.isNaN(d) ? "" : Double.toString(d);
    }

    static void writeAtomically(Path file, byte[] bytes) throws IOException {
        AtomicFiles.write(file, bytes);
    }
}
