package org.xtal4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.xtal4j.nn.train.TrainConfig;

/**
 * The {@code --config FILE} and {@code --set key=value} of {@code xtal train}, split into training keys
 * ({@link TrainConfig}) and model keys (the plugin's hyper-parameters). A key is a training key when
 * TrainConfig knows it (or one of its aliases), otherwise a model key, which the plugin validates. The file
 * may also group keys explicitly under {@code model:} and {@code training:}. Later settings win: file, then
 * --set in order, then the dedicated options (--epochs, --seed).
 */
final class HyperParameters {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** TrainConfig's aliases (its canonical keys come from its defaults). */
    private static final Set<String> TRAIN_ALIASES = Set.of("epochs", "clip_value", "betas", "eps", "loss",
            "schedule");

    final ObjectNode model = JsonNodeFactory.instance.objectNode();
    final ObjectNode training = JsonNodeFactory.instance.objectNode();

    static boolean isTrainingKey(String key) {
        return TRAIN_ALIASES.contains(key) || TrainConfig.defaultConfig().toJson().has(key);
    }

    /** Names of the training keys, for help and errors. */
    static Set<String> trainingKeys() {
        Set<String> k = new TreeSet<>(TRAIN_ALIASES);
        TrainConfig.defaultConfig().toJson().fieldNames().forEachRemaining(k::add);
        return k;
    }

    void readFile(Path file) throws IOException {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper m = n.endsWith(".yaml") || n.endsWith(".yml") ? YAML : JSON;
        JsonNode root;
        try {
            root = m.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new CliFailure(file + ": not valid " + (m == YAML ? "YAML" : "JSON") + ": "
                    + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new CliFailure(file + ": the configuration must be an object of key: value pairs");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            if ((k.equals("model") || k.equals("training")) && e.getValue().isObject()) {
                ObjectNode into = k.equals("model") ? model : training;
                e.getValue().fields().forEachRemaining(f -> into.set(f.getKey(), f.getValue()));
            } else {
                (isTrainingKey(k) ? training : model).set(k, e.getValue());
            }
        }
    }

    /** {@code key=value}: the value is JSON when it parses, a list when it has commas, otherwise a string. */
    void set(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new CliFailure("--set '" + assignment + "' is not of the form key=value");
        }
        String key = assignment.substring(0, eq).trim();
        String text = assignment.substring(eq + 1).trim();
        JsonNode value = parse(text);
        if (!text.startsWith("[") && !text.startsWith("\"") && text.contains(",")) {
            ArrayNode arr = JsonNodeFactory.instance.arrayNode();
            for (String part : text.split(",")) {
                arr.add(parse(part.trim()));
            }
            value = arr;
        }
        (isTrainingKey(key) ? training : model).set(key, value);
    }

    void setAll(List<String> assignments) {
        assignments.forEach(this::set);
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return JsonNodeFactory.instance.textNode(text);
        }
    }

    TrainConfig trainConfig() {
        return trainConfig(TrainConfig.defaultConfig());
    }

    /** The training keys on top of a model's own defaults (e.g. Site-Net's reference recipe). */
    TrainConfig trainConfig(TrainConfig base) {
        ObjectNode merged = base.toJson().deepCopy();
        // aliases (epochs, ...) come after the canonical keys they override, so the user's value wins
        training.fields().forEachRemaining(f -> merged.set(f.getKey(), f.getValue()));
        try {
            return TrainConfig.fromJson(merged);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage());
        }
    }
}
