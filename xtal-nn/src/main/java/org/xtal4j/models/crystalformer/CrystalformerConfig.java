package org.xtal4j.models.crystalformer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.xtal4j.nn.model.ModelConfig;

/**
 * Crystalformer hyper-parameters under the reference's names ({@code params/latticeformer/default.json},
 * crystalformer.md §13) with its defaults, plus {@code box}: {@link BoxSemantics#ADAPTIVE} (the reference's
 * CUDA kernels, used for the released weights) or {@link BoxSemantics#FIXED} (its pure-PyTorch path).
 * Only the options the reference uses by default and the documented domain variants are supported.
 */
public final class CrystalformerConfig implements ModelConfig {

    /** Lattice-translation box per (atom, head). */
    public enum BoxSemantics {
        /** R_k = max(lattice_range, ceil((|cutoff_sigma|·σ + 0.01)|b_k|/2π)) per atom and head (CUDA kernels). */
        ADAPTIVE,
        /** n ∈ [−lattice_range, lattice_range]³ for everything (pure-PyTorch fallback). */
        FIXED
    }

    /** Number of one-hot atom features (Z = 1..98), fixed by the reference. */
    public static final int ATOM_FEATURES = 98;

    private static final Set<String> DOMAINS = Set.of("real", "reci", "multihead", "real-reci", "reci-real");

    private final int numLayers;
    private final int modelDim;
    private final int ffDim;
    private final int headNum;
    private final List<Integer> embeddingDim;
    private final int valuePeDistReal;
    private final double valuePeDistMax;
    private final double valuePeWidthScale;
    private final String domain;
    private final String positiveFunc;
    private final double gaussLbReal;
    private final double gaussLbReci;
    private final List<Double> scaleReal;
    private final List<Double> scaleReci;
    private final int latticeRange;
    private final double adaptiveCutoffSigma;
    private final boolean minimumRange;
    private final boolean normalizeGauss;
    private final String tActivation;
    private final BoxSemantics box;
    private final PositiveFunction rho;

    private CrystalformerConfig(Builder b) {
        numLayers = b.numLayers;
        modelDim = b.modelDim;
        ffDim = b.ffDim;
        headNum = b.headNum;
        embeddingDim = List.copyOf(b.embeddingDim);
        valuePeDistReal = b.valuePeDistReal;
        valuePeDistMax = b.valuePeDistMax;
        valuePeWidthScale = b.valuePeWidthScale;
        domain = b.domain;
        positiveFunc = b.positiveFunc;
        gaussLbReal = b.gaussLbReal;
        gaussLbReci = b.gaussLbReci;
        scaleReal = List.copyOf(b.scaleReal);
        scaleReci = List.copyOf(b.scaleReci);
        latticeRange = b.latticeRange;
        adaptiveCutoffSigma = b.adaptiveCutoffSigma;
        minimumRange = b.minimumRange;
        normalizeGauss = b.normalizeGauss;
        tActivation = b.tActivation;
        box = b.box;
        check(numLayers >= 1, "num_layers must be >= 1");
        check(modelDim >= 1 && headNum >= 1 && modelDim % headNum == 0, "model_dim must be a multiple of head_num");
        check(ffDim >= 1, "ff_dim must be >= 1");
        check(!embeddingDim.isEmpty() && embeddingDim.stream().allMatch(d -> d > 0), "embedding_dim must be positive");
        check(valuePeDistReal >= 0, "value_pe_dist_real must be >= 0");
        check(valuePeDistMax != 0, "value_pe_dist_max must not be 0");
        check(valuePeWidthScale > 0, "value_pe_width_scale must be > 0");
        check(DOMAINS.contains(domain), "domain must be one of " + DOMAINS + ", got '" + domain + "'");
        check(!domain.equals("multihead") || headNum % 2 == 0, "domain multihead needs an even head_num");
        check(gaussLbReal > 0 && gaussLbReal < 1 && gaussLbReci > 0 && gaussLbReci < 1,
                "gauss_lb_real/reci must lie in (0, 1)");
        check(!scaleReal.isEmpty() && scaleReal.stream().allMatch(v -> v > 0), "scale_real must be positive");
        check(!scaleReci.isEmpty() && scaleReci.stream().allMatch(v -> v > 0), "scale_reci must be positive");
        check(latticeRange >= 0, "lattice_range must be >= 0");
        check(tActivation.equals("relu") || tActivation.equals("gelu"), "t_activation must be relu or gelu");
        rho = PositiveFunction.parse(positiveFunc);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.numLayers = numLayers;
        b.modelDim = modelDim;
        b.ffDim = ffDim;
        b.headNum = headNum;
        b.embeddingDim = embeddingDim;
        b.valuePeDistReal = valuePeDistReal;
        b.valuePeDistMax = valuePeDistMax;
        b.valuePeWidthScale = valuePeWidthScale;
        b.domain = domain;
        b.positiveFunc = positiveFunc;
        b.gaussLbReal = gaussLbReal;
        b.gaussLbReci = gaussLbReci;
        b.scaleReal = scaleReal;
        b.scaleReci = scaleReci;
        b.latticeRange = latticeRange;
        b.adaptiveCutoffSigma = adaptiveCutoffSigma;
        b.minimumRange = minimumRange;
        b.normalizeGauss = normalizeGauss;
        b.tActivation = tActivation;
        b.box = box;
        return b;
    }

    @Override
    public String modelType() {
        return CrystalformerPlugin.NAME;
    }

    public int numLayers() {
        return numLayers;
    }

    public int modelDim() {
        return modelDim;
    }

    public int ffDim() {
        return ffDim;
    }

    public int headNum() {
        return headNum;
    }

    /** Per-head dimension d = model_dim / head_num. */
    public int headDim() {
        return modelDim / headNum;
    }

    public List<Integer> embeddingDim() {
        return embeddingDim;
    }

    /** K, the number of radial basis functions of the value position encoding (0 = simplified model). */
    public int valuePeDistReal() {
        return valuePeDistReal;
    }

    public double valuePeDistMax() {
        return valuePeDistMax;
    }

    public double valuePeWidthScale() {
        return valuePeWidthScale;
    }

    public String domain() {
        return domain;
    }

    public String positiveFunc() {
        return positiveFunc;
    }

    public PositiveFunction positiveFunction() {
        return rho;
    }

    public double gaussLbReal() {
        return gaussLbReal;
    }

    public double gaussLbReci() {
        return gaussLbReci;
    }

    public List<Double> scaleReal() {
        return scaleReal;
    }

    public List<Double> scaleReci() {
        return scaleReci;
    }

    public int latticeRange() {
        return latticeRange;
    }

    public double adaptiveCutoffSigma() {
        return adaptiveCutoffSigma;
    }

    public boolean minimumRange() {
        return minimumRange;
    }

    public boolean normalizeGauss() {
        return normalizeGauss;
    }

    public String tActivation() {
        return tActivation;
    }

    public BoxSemantics box() {
        return box;
    }

    /** Domain of layer l: "real", "reci" or "multihead" (hyphenated domains alternate, §7). */
    public String layerDomain(int layer) {
        if (domain.contains("-")) {
            String[] parts = domain.split("-");
            return parts[layer % parts.length];
        }
        return domain;
    }

    /** r0 of layer l (scale_real cycled per layer). */
    public double r0(int layer) {
        return scaleReal.get(layer % scaleReal.size());
    }

    /** r_reci of layer l (scale_reci cycled per layer). */
    public double rReci(int layer) {
        return scaleReci.get(layer % scaleReci.size());
    }

    /** Whether layer l has real-space heads (and so W^E when K > 0). */
    public boolean hasValuePe(int layer) {
        return valuePeDistReal > 0 && !layerDomain(layer).equals("reci");
    }

    /** Number of real-space heads of layer l (H, 0, or H/2 for multihead). */
    public int realHeads(int layer) {
        return switch (layerDomain(layer)) {
            case "real" -> headNum;
            case "reci" -> 0;
            default -> headNum / 2;
        };
    }

    /** r_max of the radial basis functions for r0 of layer l (value_pe_dist_max; negative = multiple of r0). */
    public double rbfMax(int layer) {
        return valuePeDistMax > 0 ? valuePeDistMax : -valuePeDistMax * r0(layer);
    }

    /** Whether any layer has real-space heads. */
    public boolean anyReal() {
        for (int l = 0; l < numLayers; l++) {
            if (realHeads(l) > 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether any layer has reciprocal-space heads. */
    public boolean anyReci() {
        for (int l = 0; l < numLayers; l++) {
            if (realHeads(l) < headNum) {
                return true;
            }
        }
        return false;
    }

    /**
     * The largest real-space cutoff (Å) any head may need with adaptive boxes: |cutoff_sigma| times the
     * largest σ = r0/sqrt(b) (ρ > b for every positive function); a positive value is the fixed cutoff
     * r0·b^(−1/2)·value.
     */
    public double maxCutoff() {
        double r0 = scaleReal.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return Math.abs(adaptiveCutoffSigma) * r0 / Math.sqrt(gaussLbReal);
    }

    /** Whether boxes are adaptive (box = adaptive and adaptive_cutoff_sigma ≠ 0). */
    public boolean adaptiveBoxes() {
        return box == BoxSemantics.ADAPTIVE && adaptiveCutoffSigma != 0;
    }

    @Override
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("num_layers", numLayers);
        o.put("model_dim", modelDim);
        o.put("ff_dim", ffDim);
        o.put("head_num", headNum);
        ArrayNode emb = o.putArray("embedding_dim");
        embeddingDim.forEach(emb::add);
        o.put("value_pe_dist_real", valuePeDistReal);
        o.put("value_pe_dist_max", valuePeDistMax);
        o.put("value_pe_width_scale", valuePeWidthScale);
        o.put("domain", domain);
        o.put("positive_func", positiveFunc);
        o.put("gauss_lb_real", gaussLbReal);
        o.put("gauss_lb_reci", gaussLbReci);
        ArrayNode sr = o.putArray("scale_real");
        scaleReal.forEach(sr::add);
        ArrayNode sk = o.putArray("scale_reci");
        scaleReci.forEach(sk::add);
        o.put("lattice_range", latticeRange);
        o.put("adaptive_cutoff_sigma", adaptiveCutoffSigma);
        o.put("minimum_range", minimumRange);
        o.put("normalize_gauss", normalizeGauss);
        o.put("t_activation", tActivation);
        o.put("box", box.name().toLowerCase(Locale.ROOT));
        return o;
    }

    /** Parses hyper-parameters (reference names); missing keys take the defaults, unknown keys are errors. */
    public static CrystalformerConfig fromJson(JsonNode hp) {
        Builder b = builder();
        if (hp == null || hp.isNull()) {
            return b.build();
        }
        if (!hp.isObject()) {
            throw new IllegalArgumentException("crystalformer hyper-parameters must be a JSON object");
        }
        for (Iterator<String> it = hp.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            JsonNode v = hp.get(k);
            switch (k) {
                case "num_layers" -> b.numLayers = intOf(k, v);
                case "model_dim" -> b.modelDim = intOf(k, v);
                case "ff_dim" -> b.ffDim = intOf(k, v);
                case "head_num" -> b.headNum = intOf(k, v);
                case "embedding_dim" -> b.embeddingDim = intList(k, v);
                case "value_pe_dist_real" -> b.valuePeDistReal = intOf(k, v);
                case "value_pe_dist_max" -> b.valuePeDistMax = doubleOf(k, v);
                case "value_pe_width_scale" -> b.valuePeWidthScale = doubleOf(k, v);
                case "domain" -> b.domain = stringOf(k, v);
                case "positive_func" -> b.positiveFunc = stringOf(k, v);
                case "gauss_lb_real" -> b.gaussLbReal = doubleOf(k, v);
                case "gauss_lb_reci" -> b.gaussLbReci = doubleOf(k, v);
                case "scale_real" -> b.scaleReal = doubleList(k, v);
                case "scale_reci" -> b.scaleReci = doubleList(k, v);
                case "lattice_range" -> b.latticeRange = intOf(k, v);
                case "adaptive_cutoff_sigma" -> b.adaptiveCutoffSigma = doubleOf(k, v);
                case "minimum_range" -> b.minimumRange = boolOf(k, v);
                case "normalize_gauss" -> b.normalizeGauss = boolOf(k, v);
                case "t_activation" -> b.tActivation = stringOf(k, v);
                case "box" -> b.box = boxOf(stringOf(k, v));
                default -> throw new IllegalArgumentException("unknown hyper-parameter '" + k + "' for model crystalformer");
            }
        }
        return b.build();
    }

    private static BoxSemantics boxOf(String s) {
        return switch (s) {
            case "adaptive" -> BoxSemantics.ADAPTIVE;
            case "fixed" -> BoxSemantics.FIXED;
            default -> throw new IllegalArgumentException("hyper-parameter 'box' must be adaptive or fixed, got '" + s + "'");
        };
    }

    private static int intOf(String k, JsonNode v) {
        if (!v.isIntegralNumber()) {
            throw new IllegalArgumentException("hyper-parameter '" + k + "' must be an integer");
        }
        return v.asInt();
    }

    private static double doubleOf(String k, JsonNode v) {
        if (!v.isNumber()) {
            throw new IllegalArgumentException("hyper-parameter '" + k + "' must be a number");
        }
        return v.asDouble();
    }

    private static boolean boolOf(String k, JsonNode v) {
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("hyper-parameter '" + k + "' must be true or false");
        }
        return v.asBoolean();
    }

    private static String stringOf(String k, JsonNode v) {
        if (!v.isTextual()) {
            throw new IllegalArgumentException("hyper-parameter '" + k + "' must be a string");
        }
        return v.asText();
    }

    private static List<Integer> intList(String k, JsonNode v) {
        List<Integer> out = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(e -> out.add(intOf(k, e)));
        } else {
            out.add(intOf(k, v));
        }
        return out;
    }

    private static List<Double> doubleList(String k, JsonNode v) {
        List<Double> out = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(e -> out.add(doubleOf(k, e)));
        } else {
            out.add(doubleOf(k, v));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CrystalformerConfig c && c.toJson().equals(toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return "CrystalformerConfig" + toJson();
    }

    /** Builder with the reference defaults (crystalformer.md §13). */
    public static final class Builder {
        private int numLayers = 4;
        private int modelDim = 128;
        private int ffDim = 512;
        private int headNum = 8;
        private List<Integer> embeddingDim = List.of(128);
        private int valuePeDistReal = 64;
        private double valuePeDistMax = -10.0;
        private double valuePeWidthScale = 1.0;
        private String domain = "real";
        private String positiveFunc = "elu=0.1";
        private double gaussLbReal = 0.5;
        private double gaussLbReci = 0.5;
        private List<Double> scaleReal = List.of(1.4);
        private List<Double> scaleReci = List.of(2.2);
        private int latticeRange = 2;
        private double adaptiveCutoffSigma = -3.5;
        private boolean minimumRange = true;
        private boolean normalizeGauss = true;
        private String tActivation = "relu";
        private BoxSemantics box = BoxSemantics.ADAPTIVE;

        private Builder() {
        }

        public Builder numLayers(int v) {
            numLayers = v;
            return this;
        }

        public Builder modelDim(int v) {
            modelDim = v;
            return this;
        }

        public Builder ffDim(int v) {
            ffDim = v;
            return this;
        }

        public Builder headNum(int v) {
            headNum = v;
            return this;
        }

        public Builder embeddingDim(List<Integer> v) {
            embeddingDim = List.copyOf(v);
            return this;
        }

        public Builder valuePeDistReal(int v) {
            valuePeDistReal = v;
            return this;
        }

        public Builder valuePeDistMax(double v) {
            valuePeDistMax = v;
            return this;
        }

        public Builder valuePeWidthScale(double v) {
            valuePeWidthScale = v;
            return this;
        }

        public Builder domain(String v) {
            domain = v;
            return this;
        }

        public Builder positiveFunc(String v) {
            positiveFunc = v;
            return this;
        }

        public Builder gaussLbReal(double v) {
            gaussLbReal = v;
            return this;
        }

        public Builder gaussLbReci(double v) {
            gaussLbReci = v;
            return this;
        }

        public Builder scaleReal(List<Double> v) {
            scaleReal = List.copyOf(v);
            return this;
        }

        public Builder scaleReci(List<Double> v) {
            scaleReci = List.copyOf(v);
            return this;
        }

        public Builder latticeRange(int v) {
            latticeRange = v;
            return this;
        }

        public Builder adaptiveCutoffSigma(double v) {
            adaptiveCutoffSigma = v;
            return this;
        }

        public Builder minimumRange(boolean v) {
            minimumRange = v;
            return this;
        }

        public Builder normalizeGauss(boolean v) {
            normalizeGauss = v;
            return this;
        }

        public Builder tActivation(String v) {
            tActivation = v;
            return this;
        }

        public Builder box(BoxSemantics v) {
            box = v;
            return this;
        }

        public CrystalformerConfig build() {
            return new CrystalformerConfig(this);
        }
    }
}
