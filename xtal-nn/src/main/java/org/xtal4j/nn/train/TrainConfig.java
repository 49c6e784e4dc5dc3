package org.xtal4j.nn.train;

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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Training hyper-parameters (model-independent), under the Crystalformer reference's names where it has
 * one (crystalformer.md §13), with its defaults:
 *
 * <table>
 * <caption>keys</caption>
 * <tr><td>seed</td><td>123</td><td>seeds batch order (Java) and the engine RNG (per epoch)</td></tr>
 * <tr><td>optimizer</td><td>adamw</td><td>adamw (decoupled decay) or adam (L2 decay added to the gradient)</td></tr>
 * <tr><td>lr</td><td>5e-4</td><td>initial learning rate</td></tr>
 * <tr><td>adam_betas / adam_eps / amsgrad</td><td>[0.9, 0.98] / 1e-8 / false</td><td></td></tr>
 * <tr><td>weight_decay</td><td>1e-5</td><td>decay group (parameters whose name lacks nodecay_pattern)</td></tr>
 * <tr><td>nodecay_weight_decay</td><td>0.01</td><td>the other group; 0.01 reproduces the reference, which builds
 *     the bias group without a weight_decay key so AdamW's default applies (crystalformer.md §11)</td></tr>
 * <tr><td>nodecay_pattern</td><td>bias</td><td>substring of parameter names that go to the nodecay group</td></tr>
 * <tr><td>clip_norm / clip_grad</td><td>1.0 / 0.0</td><td>global L2-norm clipping / value clipping; 0 = off</td></tr>
 * <tr><td>lr_sch / sch_params</td><td>inverse_sqrt_nowarmup / [4000]</td><td>see {@link LrSchedule#of}</td></tr>
 * <tr><td>batch_size / n_epochs</td><td>128 / 500</td><td>aliases: epochs</td></tr>
 * <tr><td>max_atoms_per_batch</td><td>0</td><td>&gt;0: batches filled up to this many atoms (Site-Net's 1200)</td></tr>
 * <tr><td>bucket_by_size</td><td>true</td><td>batches of similar atom count</td></tr>
 * <tr><td>drop_last</td><td>false</td><td>drop the last short batch (the reference: true)</td></tr>
 * <tr><td>loss_func</td><td>model</td><td>model (the plugin's loss), L1, MSE or Smooth_L1 on the normalised
 *     prediction vs the first label array, summed over targets and averaged over the batch</td></tr>
 * <tr><td>normalize_targets</td><td>scale_bias</td><td>scale_bias, bias, scale, no ({@link TargetNormaliser})</td></tr>
 * <tr><td>swa_epochs</td><td>50</td><td>stochastic weight averaging over the last k epochs; 0 = off</td></tr>
 * <tr><td>patience</td><td>0</td><td>early stopping after this many epochs without a better val loss; 0 = off</td></tr>
 * <tr><td>plots</td><td>true</td><td>PNG learning curves and parity plots</td></tr>
 * </table>
 * Immutable; unknown keys or wrong types are IllegalArgumentExceptions naming the key.
 */
public final class TrainConfig {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, String> ALIASES = Map.of("epochs", "n_epochs", "clip_value", "clip_grad",
            "betas", "adam_betas", "eps", "adam_eps", "loss", "loss_func", "schedule", "lr_sch");

    private static final ObjectNode DEFAULTS = defaults();

    private final ObjectNode values;

    private TrainConfig(ObjectNode values) {
        this.values = values;
        validate();
    }

    private static ObjectNode defaults() {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("seed", 123L);
        d.put("optimizer", "adamw");
        d.put("lr", 5e-4);
        d.putArray("adam_betas").add(0.9).add(0.98);
        d.put("adam_eps", 1e-8);
        d.put("amsgrad", false);
        d.put("weight_decay", 1e-5);
        d.put("nodecay_weight_decay", 0.01);
        d.put("nodecay_pattern", "bias");
        d.put("clip_norm", 1.0);
        d.put("clip_grad", 0.0);
        d.put("lr_sch", "inverse_sqrt_nowarmup");
        d.putArray("sch_params").add(4000.0);
        d.put("batch_size", 128);
        d.put("n_epochs", 500);
        d.put("max_atoms_per_batch", 0);
        d.put("bucket_by_size", true);
        d.put("drop_last", false);
        d.put("loss_func", "model");
        d.put("normalize_targets", "scale_bias");
        d.put("swa_epochs", 50);
        d.put("patience", 0);
        d.put("plots", true);
        return d;
    }

    /** The defaults. */
    public static TrainConfig defaultConfig() {
        return new TrainConfig(DEFAULTS.deepCopy());
    }

    /** Parses a JSON object; missing keys take the defaults. {@code null} gives the defaults. */
    public static TrainConfig fromJson(JsonNode node) {
        ObjectNode v = DEFAULTS.deepCopy();
        if (node != null && !node.isNull()) {
            if (!node.isObject()) {
                throw new IllegalArgumentException("training configuration must be a JSON/YAML object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                set(v, e.getKey(), e.getValue());
            }
        }
        return new TrainConfig(v);
    }

    /** Reads a JSON file, or YAML when the name ends in .yaml or .yml. */
    public static TrainConfig read(Path file) throws IOException {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper m = n.endsWith(".yaml") || n.endsWith(".yml") ? YAML : JSON;
        try {
            return fromJson(m.readTree(Files.readAllBytes(file)));
        } catch (IllegalArgumentException | JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Applies command-line style overrides {@code key=value}. The value is read as JSON when it parses
     * (numbers, true/false, [lists]), a comma-separated list for list keys, otherwise as a string.
     */
    public TrainConfig withOverrides(List<String> assignments) {
        ObjectNode v = values.deepCopy();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("override '" + a + "' is not of the form key=value");
            }
            String key = canonical(a.substring(0, eq).trim());
            String text = a.substring(eq + 1).trim();
            JsonNode parsed;
            JsonNode want = DEFAULTS.get(key);
            if (want != null && want.isArray() && !text.startsWith("[")) {
                ArrayNode arr = JsonNodeFactory.instance.arrayNode();
                for (String part : text.split(",")) {
                    arr.add(parseScalar(part.trim()));
                }
                parsed = arr;
            } else {
                parsed = parseScalar(text);
            }
            set(v, key, parsed);
        }
        return new TrainConfig(v);
    }

    private static JsonNode parseScalar(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return JsonNodeFactory.instance.textNode(text);
        }
    }

    private static String canonical(String key) {
        return ALIASES.getOrDefault(key, key);
    }

    private static void set(ObjectNode v, String rawKey, JsonNode value) {
        String key = canonical(rawKey);
        JsonNode def = DEFAULTS.get(key);
        if (def == null) {
            throw new IllegalArgumentException("unknown training parameter '" + rawKey + "'; known: "
                    + listKeys());
        }
        boolean ok = switch (def.getNodeType()) {
            case NUMBER -> value.isNumber() && (!def.isIntegralNumber() || (value.canConvertToLong()
                    && value.asDouble() == value.asLong() && (def.isLong() || value.canConvertToInt())));
            case BOOLEAN -> value.isBoolean();
            case STRING -> value.isTextual();
            case ARRAY -> value.isArray() && allNumbers(value);
            default -> false;
        };
        if (!ok) {
            throw new IllegalArgumentException("training parameter '" + key + "' must be "
                    + describe(def) + ", got " + value);
        }
        // one node type per key (int, long, double, list of doubles), so that equal configs compare equal
        if (def.isLong()) {
            v.put(key, value.asLong());
        } else if (def.isIntegralNumber()) {
            v.put(key, value.asInt());
        } else if (def.isNumber()) {
            v.put(key, value.asDouble());
        } else if (def.isArray()) {
            ArrayNode a = v.putArray(key);
            value.forEach(x -> a.add(x.asDouble()));
        } else {
            v.set(key, value.deepCopy());
        }
    }

    private static boolean allNumbers(JsonNode arr) {
        for (JsonNode n : arr) {
            if (!n.isNumber()) {
                return false;
            }
        }
        return true;
    }

    private static String describe(JsonNode def) {
        return switch (def.getNodeType()) {
            case NUMBER -> def.isIntegralNumber() ? "an integer" : "a number";
            case BOOLEAN -> "true or false";
            case STRING -> "a string";
            case ARRAY -> "a list of numbers";
            default -> def.getNodeType().toString();
        };
    }

    private static List<String> listKeys() {
        List<String> k = new ArrayList<>();
        DEFAULTS.fieldNames().forEachRemaining(k::add);
        return k;
    }

    private void validate() {
        check(lr() > 0, "lr must be > 0");
        check(batchSize() > 0, "batch_size must be > 0");
        check(epochs() >= 0, "n_epochs must be >= 0");
        check(swaEpochs() >= 0, "swa_epochs must be >= 0");   // more than n_epochs: every epoch averages, as the reference
        check(values.get("adam_betas").size() == 2, "adam_betas must have two values");
        check(beta1() >= 0 && beta1() < 1 && beta2() >= 0 && beta2() < 1, "adam_betas must be in [0, 1)");
        check(eps() > 0, "adam_eps must be > 0");
        check(weightDecay() >= 0 && nodecayWeightDecay() >= 0, "weight decays must be >= 0");
        check(clipNorm() >= 0 && clipValue() >= 0, "clip_norm and clip_grad must be >= 0");
        check(patience() >= 0, "patience must be >= 0");
        check(maxAtomsPerBatch() >= 0, "max_atoms_per_batch must be >= 0");
        check(optimizer().equals("adamw") || optimizer().equals("adam"), "optimizer must be adamw or adam, got '"
                + optimizer() + "'");
        Losses.Kind.parse(lossFunc());
        TargetNormaliser.Mode.parse(normalizeTargets());
        LrSchedule.of(lrSchedule(), schParams());   // validates name and parameters
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    // ---------------------------------------------------------------- accessors

    public long seed() {
        return values.get("seed").asLong();
    }

    public String optimizer() {
        return values.get("optimizer").asText().toLowerCase(Locale.ROOT);
    }

    public double lr() {
        return values.get("lr").asDouble();
    }

    public double beta1() {
        return values.get("adam_betas").get(0).asDouble();
    }

    public double beta2() {
        return values.get("adam_betas").get(1).asDouble();
    }

    public double eps() {
        return values.get("adam_eps").asDouble();
    }

    public boolean amsgrad() {
        return values.get("amsgrad").asBoolean();
    }

    public double weightDecay() {
        return values.get("weight_decay").asDouble();
    }

    public double nodecayWeightDecay() {
        return values.get("nodecay_weight_decay").asDouble();
    }

    public String nodecayPattern() {
        return values.get("nodecay_pattern").asText();
    }

    public double clipNorm() {
        return values.get("clip_norm").asDouble();
    }

    public double clipValue() {
        return values.get("clip_grad").asDouble();
    }

    public String lrSchedule() {
        return values.get("lr_sch").asText();
    }

    public double[] schParams() {
        JsonNode a = values.get("sch_params");
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    public int batchSize() {
        return values.get("batch_size").asInt();
    }

    public int epochs() {
        return values.get("n_epochs").asInt();
    }

    public int maxAtomsPerBatch() {
        return values.get("max_atoms_per_batch").asInt();
    }

    public boolean bucketBySize() {
        return values.get("bucket_by_size").asBoolean();
    }

    public boolean dropLast() {
        return values.get("drop_last").asBoolean();
    }

    public String lossFunc() {
        return values.get("loss_func").asText();
    }

    public String normalizeTargets() {
        return values.get("normalize_targets").asText();
    }

    public int swaEpochs() {
        return values.get("swa_epochs").asInt();
    }

    public int patience() {
        return values.get("patience").asInt();
    }

    public boolean plots() {
        return values.get("plots").asBoolean();
    }

    /** Every parameter (defaults included) as JSON; {@code fromJson(toJson())} gives an equal config. */
    public ObjectNode toJson() {
        return values.deepCopy();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder(values.deepCopy());
    }

    public static Builder builder() {
        return new Builder(DEFAULTS.deepCopy());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainConfig c && c.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }

    /** Typed setters for the common keys; {@link #set} for any key by name. */
    public static final class Builder {
        private final ObjectNode v;

        private Builder(ObjectNode v) {
            this.v = v;
        }

        /** Any parameter by its (reference) name. */
        public Builder set(String key, Object value) {
            TrainConfig.set(v, key, JSON.valueToTree(Objects.requireNonNull(value, key)));
            return this;
        }

        public Builder seed(long s) {
            return set("seed", s);
        }

        public Builder optimizer(String o) {
            return set("optimizer", o);
        }

        public Builder lr(double lr) {
            return set("lr", lr);
        }

        public Builder betas(double b1, double b2) {
            return set("adam_betas", List.of(b1, b2));
        }

        public Builder eps(double e) {
            return set("adam_eps", e);
        }

        public Builder amsgrad(boolean a) {
            return set("amsgrad", a);
        }

        public Builder weightDecay(double wd) {
            return set("weight_decay", wd);
        }

        public Builder nodecayWeightDecay(double wd) {
            return set("nodecay_weight_decay", wd);
        }

        public Builder clipNorm(double c) {
            return set("clip_norm", c);
        }

        public Builder clipValue(double c) {
            return set("clip_grad", c);
        }

        public Builder schedule(String name, double... params) {
            set("lr_sch", name);
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            for (double p : params) {
                a.add(p);
            }
            v.set("sch_params", a);
            return this;
        }

        public Builder batchSize(int b) {
            return set("batch_size", b);
        }

        public Builder epochs(int n) {
            return set("n_epochs", n);
        }

        public Builder maxAtomsPerBatch(int n) {
            return set("max_atoms_per_batch", n);
        }

        public Builder bucketBySize(boolean b) {
            return set("bucket_by_size", b);
        }

        public Builder dropLast(boolean b) {
            return set("drop_last", b);
        }

        public Builder lossFunc(String f) {
            return set("loss_func", f);
        }

        public Builder normalizeTargets(String m) {
            return set("normalize_targets", m);
        }

        public Builder swaEpochs(int n) {
            return set("swa_epochs", n);
        }

        public Builder patience(int n) {
            return set("patience", n);
        }

        public Builder plots(boolean p) {
            return set("plots", p);
        }

        public TrainConfig build() {
            return new TrainConfig(v.deepCopy());
        }
    }
}
