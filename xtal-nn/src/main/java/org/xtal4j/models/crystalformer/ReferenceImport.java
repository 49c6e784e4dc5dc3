package org.xtal4j.models.crystalformer;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.io.HostTensor;
import org.xtal4j.nn.io.NamedTensors;
import org.xtal4j.nn.io.Safetensors;
import org.xtal4j.nn.io.TorchCheckpoint;
import org.xtal4j.nn.model.ModelFile;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Provenance;
import org.xtal4j.nn.model.Weights;

/**
 * Turns the reference implementation's trained models into our {@link ModelFile}: either a PyTorch-Lightning
 * checkpoint ({@code .ckpt}, read by {@link TorchCheckpoint} without Python) or a safetensors state dict with
 * the reference's tensor names plus the flat hyper-parameter JSON ({@code params/latticeformer/*.json}
 * format). From a checkpoint the weights are the SWA average {@code swa_model.module.*} (what the released
 * weights and the reference's demo use) or the last raw weights {@code model.*}; target mean/std come from
 * the checkpoint's {@code target_mean}/{@code target_std} buffers unless given; hyper-parameters from
 * {@code hyper_parameters} unless a params file is given. The weights are checked against a freshly built
 * model (every tensor present with its shape) before the file is written.
 */
public final class ReferenceImport {

    /** Which copy of the weights a Lightning checkpoint provides. */
    public enum WeightsSource {
        /** {@code swa_model.module.*}: the stochastic-weight average (the released weights). */
        SWA("swa_model.module."),
        /** {@code model.*}: the weights of the last optimiser step. */
        MODEL("model.");

        private final String prefix;

        WeightsSource(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    /** Hyper-parameters that build our model: passed to {@link CrystalformerConfig#fromJson}. */
    private static final Set<String> MODEL_KEYS = Set.of("num_layers", "model_dim", "ff_dim", "head_num",
            "embedding_dim", "value_pe_dist_real", "value_pe_dist_max", "value_pe_width_scale", "domain",
            "positive_func", "gauss_lb_real", "gauss_lb_reci", "scale_real", "scale_reci", "lattice_range",
            "adaptive_cutoff_sigma", "minimum_range", "normalize_gauss", "t_activation");

    /** Architecture options this port implements only at their reference default: other values are errors. */
    private static final Map<String, Object> FIXED_KEYS = fixedKeys();

    private static Map<String, Object> fixedKeys() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("encoder_name", "latticeformer");
        m.put("k_dim", 0L);
        m.put("v_dim", 0L);
        m.put("t_fixup_init", true);
        m.put("gauss_state", "q");
        m.put("value_pe_dist_reci", 0L);
        m.put("value_pe_wave_real", 0L);
        m.put("value_pe_wave_reci", 0L);
        m.put("value_pe_headed", true);
        m.put("value_pe_condproj", "no");
        m.put("exclude_self", false);
        m.put("norm_func_mode", 0L);
        m.put("pooling", "avr");
        m.put("pre_pooling_op", "no");
        m.put("norm_type", "no");
        m.put("use_cgcnn_feat", false);
        return m;
    }

    private final WeightsSource weights;
    private final Double targetMean;
    private final Double targetStd;
    private final JsonNode params;
    private final String targetName;
    private final CrystalformerConfig.BoxSemantics box;

    private ReferenceImport(Builder b) {
        this.weights = b.weights;
        this.targetMean = b.targetMean;
        this.targetStd = b.targetStd;
        this.params = b.params;
        this.targetName = b.targetName;
        this.box = b.box;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Imports a Lightning checkpoint ({@code torch.save} zip). */
    public ModelFile fromCheckpoint(Path ckpt) throws IOException {
        TorchCheckpoint cp = TorchCheckpoint.read(ckpt);
        String src = ckpt.toString();
        // a Lightning checkpoint keeps the tensors under "state_dict"; torch.save(model.state_dict()) is bare
        Map<String, HostTensor> sd = cp.get("state_dict") instanceof Map<?, ?> ? cp.tensors("state_dict")
                : bareStateDict(cp, src);
        JsonNode hp = params;
        if (hp == null) {
            Object h = cp.get("hyper_parameters");
            if (!(h instanceof Map<?, ?>)) {
                throw new IOException(src + ": the checkpoint has no hyper_parameters; give the params JSON file (--params)");
            }
            hp = toJson(h);
        }
        Map<String, HostTensor> w = select(sd, src);
        return build(w, sd.get("target_mean"), sd.get("target_std"), hp, src);
    }

    /** Imports a safetensors state dict with reference names (optionally prefixed) and its hyper-parameters. */
    public ModelFile fromSafetensors(Path stateDict) throws IOException {
        if (params == null) {
            throw new IOException(stateDict + ": a safetensors state dict needs the hyper-parameter JSON (--params)");
        }
        NamedTensors t = Safetensors.read(stateDict);
        Map<String, HostTensor> w = select(t.tensors(), stateDict.toString());
        return build(w, t.contains("target_mean") ? t.get("target_mean") : null,
                t.contains("target_std") ? t.get("target_std") : null, params, stateDict.toString());
    }

    private static Map<String, HostTensor> bareStateDict(TorchCheckpoint cp, String src) throws IOException {
        if (!(cp.root() instanceof Map<?, ?> m) || m.isEmpty()
                || !m.values().stream().allMatch(v -> v instanceof HostTensor)) {
            throw new IOException(src + ": neither a Lightning checkpoint (no 'state_dict') nor a state dict of tensors");
        }
        return cp.tensors(null);
    }

    /**
     * The model's tensors: with the chosen prefix stripped when the names carry one (Lightning names), else
     * all of them (a plain model state dict); normalisation buffers and SWA's counter are not weights.
     */
    private Map<String, HostTensor> select(Map<String, HostTensor> sd, String src) throws IOException {
        boolean prefixed = sd.keySet().stream().anyMatch(n -> n.startsWith("model.") || n.startsWith("swa_model."));
        Map<String, HostTensor> w = new LinkedHashMap<>();
        sd.forEach((n, v) -> {
            if (n.equals("target_mean") || n.equals("target_std") || n.equals("swa_model.n_averaged")) {
                return;
            }
            if (!prefixed) {
                w.put(n, v);
            } else if (n.startsWith(weights.prefix())) {
                w.put(n.substring(weights.prefix().length()), v);
            }
        });
        if (w.isEmpty()) {
            throw new IOException(src + ": no '" + weights.prefix() + "*' tensors in the state dict"
                    + (weights == WeightsSource.SWA ? " (trained without SWA? use the model weights)" : ""));
        }
        return w;
    }

    /** Reads a flat hyper-parameter JSON file (the reference's params format). */
    public static JsonNode readParams(Path file) throws IOException {
        JsonNode n = new ObjectMapper().readTree(file.toFile());
        if (n == null || !n.isObject()) {
            throw new IOException(file + ": hyper-parameters must be a JSON object");
        }
        return n;
    }

    private ModelFile build(Map<String, HostTensor> w, HostTensor mean, HostTensor std, JsonNode hp, String src)
            throws IOException {
        CrystalformerConfig config = config(hp, src);
        List<String> names = targetNames(hp);
        double[] m = stats(targetMean, mean, "target_mean", names.size(), src);
        double[] s = stats(targetStd, std, "target_std", names.size(), src);
        List<Normalisation.Target> targets = new ArrayList<>();
        for (int t = 0; t < names.size(); t++) {
            targets.add(new Normalisation.Target(names.get(t), "", m[t], s[t]));
        }
        Normalisation norm = new Normalisation(targets);
        NamedTensors tensors = new NamedTensors(w, Map.of(), src);
        check(config, norm, tensors, src);
        ObjectNode extra = JsonNodeFactory.instance.objectNode();
        extra.put("imported_from", src);
        extra.put("reference_weights", weights.name().toLowerCase(java.util.Locale.ROOT));
        extra.put("note", "imported from " + src);
        Provenance p = Provenance.now().withExtra(extra);
        // the embedding's vocabulary: one-hot columns Z = 1..98
        List<String> elements = new ArrayList<>();
        for (int z = 1; z <= CrystalformerConfig.ATOM_FEATURES; z++) {
            elements.add(org.xtal4j.structure.Element.of(z).symbol());
        }
        return new ModelFile(CrystalformerPlugin.NAME, config.toJson(), tensors, norm, elements, p);
    }

    /** Strict load into a freshly built model: every parameter present with its shape, nothing left over. */
    private static void check(CrystalformerConfig config, Normalisation norm, NamedTensors w, String src)
            throws IOException {
        CrystalformerPlugin plugin = new CrystalformerPlugin();
        ModelSetup setup = new ModelSetup(config, norm, List.of(), Precision.FLOAT32);
        try (NDManager m = Backend.get().newManager()) {
            var block = plugin.newBlock(setup);
            plugin.initialize(block, m, setup);
            Weights.load(plugin.namedParameters(block), w, true);
        } catch (IllegalArgumentException e) {
            throw new IOException(src + ": the weights do not fit the hyper-parameters: " + e.getMessage(), e);
        }
    }

    private CrystalformerConfig config(JsonNode hp, String src) throws IOException {
        ObjectNode model = JsonNodeFactory.instance.objectNode();
        for (Iterator<String> it = hp.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            JsonNode v = hp.get(k);
            if (MODEL_KEYS.contains(k)) {
                model.set(k, v);
            } else if (FIXED_KEYS.containsKey(k) && !sameValue(FIXED_KEYS.get(k), v)) {
                throw new IOException(src + ": hyper-parameter " + k + " = " + v + " is not supported (only "
                        + FIXED_KEYS.get(k) + ")");
            }
        }
        // the released weights were trained with the CUDA kernels (adaptive boxes); the pure-PyTorch path
        // (use_cuda_code false) uses the fixed [-R,R]^3 box
        CrystalformerConfig.BoxSemantics b = box;
        if (b == null) {
            JsonNode cuda = hp.get("use_cuda_code");
            b = cuda != null && cuda.isBoolean() && !cuda.asBoolean() ? CrystalformerConfig.BoxSemantics.FIXED
                    : CrystalformerConfig.BoxSemantics.ADAPTIVE;
        }
        model.put("box", b.name().toLowerCase(java.util.Locale.ROOT));
        try {
            return CrystalformerConfig.fromJson(model);
        } catch (IllegalArgumentException e) {
            throw new IOException(src + ": " + e.getMessage(), e);
        }
    }

    private static boolean sameValue(Object want, JsonNode v) {
        if (want instanceof Boolean bo) {
            return v.isBoolean() && v.asBoolean() == bo;
        }
        if (want instanceof Long l) {
            return v.isNumber() && v.asDouble() == l;
        }
        return v.isTextual() && v.asText().equals(want);
    }

    private List<String> targetNames(JsonNode hp) {
        if (targetName != null) {
            return List.of(targetName.split(",", -1));
        }
        JsonNode t = hp.get("targets");
        List<String> out = new ArrayList<>();
        if (t != null && t.isArray()) {
            t.forEach(e -> out.add(e.asText()));
        } else if (t != null && t.isTextual()) {
            out.add(t.asText());
        }
        return out.isEmpty() ? List.of("target") : out;
    }

    private static double[] stats(Double given, HostTensor stored, String name, int n, String src) throws IOException {
        if (given != null) {
            if (n != 1) {
                throw new IOException(src + ": --" + name.replace('_', '-') + " is one number but the model has "
                        + n + " targets");
            }
            return new double[] {given};
        }
        if (stored == null) {
            throw new IOException(src + ": no " + name + " stored; give --" + name.replace('_', '-'));
        }
        double[] v = stored.toDoubleArray();
        if (v.length != n) {
            throw new IOException(src + ": " + name + " has " + v.length + " values for " + n + " target(s)");
        }
        return v;
    }

    /** Unpickled plain values as JSON (Long, Double, String, Boolean, null, lists, maps). */
    static JsonNode toJson(Object o) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (o == null) {
            return f.nullNode();
        }
        if (o instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (o instanceof Long l) {
            return f.numberNode(l);
        }
        if (o instanceof BigInteger bi) {
            return f.numberNode(bi);
        }
        if (o instanceof Double d) {
            return f.numberNode(d);
        }
        if (o instanceof String s) {
            return f.textNode(s);
        }
        if (o instanceof List<?> l) {
            ArrayNode a = f.arrayNode();
            l.forEach(e -> a.add(toJson(e)));
            return a;
        }
        if (o instanceof Map<?, ?> m) {
            ObjectNode n = f.objectNode();
            m.forEach((k, v) -> n.set(String.valueOf(k), toJson(v)));
            return n;
        }
        return f.textNode(String.valueOf(o));
    }

    public static final class Builder {
        private WeightsSource weights = WeightsSource.SWA;
        private Double targetMean;
        private Double targetStd;
        private JsonNode params;
        private String targetName;
        private CrystalformerConfig.BoxSemantics box;

        private Builder() {
        }

        public Builder weights(WeightsSource v) {
            this.weights = Objects.requireNonNull(v);
            return this;
        }

        /** Overrides the stored target mean (single-target models). */
        public Builder targetMean(Double v) {
            this.targetMean = v;
            return this;
        }

        public Builder targetStd(Double v) {
            this.targetStd = v;
            return this;
        }

        /** Flat hyper-parameters (reference names) replacing the checkpoint's. */
        public Builder params(JsonNode v) {
            this.params = v;
            return this;
        }

        /** Target name(s), comma-separated; default: the hyper-parameter {@code targets}. */
        public Builder targetName(String v) {
            this.targetName = v;
            return this;
        }

        /** Box semantics; default: adaptive unless the hyper-parameters say {@code use_cuda_code: false}. */
        public Builder box(CrystalformerConfig.BoxSemantics v) {
            this.box = v;
            return this;
        }

        public ReferenceImport build() {
            if ((targetMean == null) != (targetStd == null)) {
                throw new IllegalArgumentException("give both the target mean and std, or neither");
            }
            if (targetStd != null && !(targetStd > 0)) {
                throw new IllegalArgumentException("the target std must be > 0, got " + targetStd);
            }
            return new ReferenceImport(this);
        }
    }
}
