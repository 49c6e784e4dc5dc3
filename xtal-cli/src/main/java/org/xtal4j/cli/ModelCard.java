package org.xtal4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xtal4j.nn.model.ModelFile;
import org.xtal4j.nn.model.Provenance;

/**
 * A model file described for people (Markdown): what it predicts, from which data and split, how it was trained
 * (command, hyper-parameters, epochs, wall time, commit) and the metrics it reached. Everything comes from the
 * file itself, so the card cannot drift from the model.
 */
final class ModelCard {

    private ModelCard() {
    }

    static String markdown(Path file, ModelFile m) {
        Provenance p = m.provenance();
        JsonNode extra = p.extra();
        StringBuilder sb = new StringBuilder();
        sb.append("# Model card: ").append(file.getFileName()).append("\n\n");
        row(sb, "Model type", m.modelType());
        row(sb, "Targets", String.join(", ", m.normalisation().names()));
        row(sb, "Training data", p.dataset());
        row(sb, "Split", p.split());
        row(sb, "Seed", p.seed() == null ? null : p.seed().toString());
        if (extra.has("trainingSize")) {
            row(sb, "Structures (train / val / test)", extra.path("trainingSize").asText() + " / "
                    + extra.path("validationSize").asText() + " / " + extra.path("testSize").asText());
        }
        if (extra.has("epochs")) {
            row(sb, "Epochs", extra.path("epochs").asText() + " (best epoch " + extra.path("bestEpoch").asText()
                    + "; weights: " + extra.path("weights").asText() + ")");
        }
        if (extra.has("trainingSeconds")) {
            double s = extra.path("trainingSeconds").asDouble();
            row(sb, "Training time (training steps, without validation)",
                    String.format(Locale.ROOT, "%.0f s (%.2f h)", s, s / 3600));
        }
        row(sb, "xtal4j commit", p.gitCommit());
        row(sb, "xtal4j version", p.xtal4jVersion());
        row(sb, "Created", p.created() == null ? null : p.created().toString());
        sb.append('\n');
        if (!p.commandLine().isEmpty()) {
            sb.append("## Command\n\n```\n").append(String.join(" ", p.commandLine())).append("\n```\n\n");
        }
        if (extra.has(InitialModel.KEY)) {
            sb.append("## Earlier training\n\nThe epochs above continue from a trained model:\n\n")
                    .append(InitialModel.markdown(extra.get(InitialModel.KEY)));
            JsonNode init = extra.path("initialWeights");
            if (init.path("onlyMatching").asBoolean(false)) {
                List<String> fresh = new ArrayList<>();
                init.path("freshParameters").forEach(n -> fresh.add("`" + n.asText() + "`"));
                sb.append("- Transfer learning to other targets: the target normalisation was fitted afresh; ")
                        .append(fresh.isEmpty() ? "every tensor was taken from the file"
                                : "initialised afresh (their shape differs): " + String.join(", ", fresh))
                        .append('\n');
            }
            sb.append('\n');
        }
        sb.append("## Metrics (the file's final weights)\n\n| part | target | MAE | RMSE | R² |\n|---|---|---|---|---|\n");
        Map<String, Double> mt = p.metrics();
        for (String part : List.of("val", "test")) {
            for (String t : m.normalisation().names()) {
                Double mae = mt.get(part + "_mae_" + t);
                if (mae != null) {
                    sb.append(String.format(Locale.ROOT, "| %s | %s | %.4g | %.4g | %.4f |%n", part, t, mae,
                            mt.getOrDefault(part + "_rmse_" + t, Double.NaN),
                            mt.getOrDefault(part + "_r2_" + t, Double.NaN)));
                }
            }
        }
        sb.append("\n## Hyper-parameters\n\nModel: `").append(m.hyperParameters().toString()).append("`\n");
        if (extra.has("trainConfig")) {
            sb.append("\nTraining: `").append(extra.get("trainConfig").toString()).append("`\n");
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String key, String value) {
        if (value != null && !value.isBlank()) {
            sb.append("- **").append(key).append(":** ").append(value).append('\n');
        }
    }
}
