package org.xtal4j.models.sitenet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xtal4j.nn.model.ModelConfig;

/**
 * Site-Net hyper-parameters under the reference's {@code PaperParams.yaml} names with the paper's values
 * (spec {@code sitenet.md} §2):
 *
 * <table>
 * <caption>keys</caption>
 * <tr><td>max_atoms</td><td>500</td><td>N_max of the approximately cubic supercell</td></tr>
 * <tr><td>embedding_size</td><td>92</td><td>learned element embedding (200 rows indexed by Z, max_norm 1)</td></tr>
 * <tr><td>site_dim_per_head / attention_heads</td><td>30 / 3</td><td>λ = 90</td></tr>
 * <tr><td>attention_dim_interaction</td><td>16</td><td>per head: μ = 48</td></tr>
 * <tr><td>attention_blocks</td><td>2</td><td></td></tr>
 * <tr><td>attention_hidden_layers</td><td>[225]</td><td>g^W hidden Dense layers</td></tr>
 * <tr><td>pre_pool_layers / post_pool_layers</td><td>[94] / [200, 200, 200]</td><td></td></tr>
 * <tr><td>last_af_func</td><td>TReLU</td><td>TReLU (band gaps: max(ŷ, 0), straight-through gradient) or
 *     identity (formation energies)</td></tr>
 * <tr><td>distance_cutoff</td><td>-1</td><td>Å; pairs farther apart are masked out of the softmax; ≤ 0 = off</td></tr>
 * </table>
 * The fixed choices of the paper (mish, layer norm, mean pooling, k_softmax off) are not options.
 * Immutable; unknown keys or wrong types are IllegalArgumentExceptions naming the key.
 */
public final class SiteNetConfig implements ModelConfig {

    private final int maxAtoms;
    private final int embeddingSize;
    private final int siteDimPerHead;
    private final int heads;
    private final int interactionDimPerHead;
    private final int blocks;
    private final List<Integer> attentionHidden;
    private final List<Integer> prePool;
    private final List<Integer> postPool;
    private final boolean trelu;
    private final double distanceCutoff;

    private SiteNetConfig(Builder b) {
        maxAtoms = b.maxAtoms;
        embeddingSize = b.embeddingSize;
        siteDimPerHead = b.siteDimPerHead;
        heads = b.heads;
        interactionDimPerHead = b.interactionDimPerHead;
        blocks = b.blocks;
        attentionHidden = List.copyOf(b.attentionHidden);
        prePool = List.copyOf(b.prePool);
        postPool = List.copyOf(b.postPool);
        trelu = b.trelu;
        distanceCutoff = b.distanceCutoff;
        check(maxAtoms >= 1, "max_atoms must be >= 1");
        check(embeddingSize >= 1 && siteDimPerHead >= 1 && heads >= 1 && interactionDimPerHead >= 1,
                "embedding_size, site_dim_per_head, attention_heads and attention_dim_interaction must be >= 1");
        check(blocks >= 1, "attention_blocks must be >= 1");
        check(!attentionHidden.isEmpty(), "attention_hidden_layers needs at least one layer");
        check(!prePool.isEmpty(), "pre_pool_layers needs at least one layer");
        for (List<Integer> l : List.of(attentionHidden, prePool, postPool)) {
            for (int v : l) {
                check(v >= 1, "layer widths must be >= 1");
            }
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static SiteNetConfig defaults() {
        return builder().build();
    }

    @Override
    public String modelType() {
        return SiteNetPlugin.NAME;
    }

    public int maxAtoms() {
        return maxAtoms;
    }

    public int embeddingSize() {
        return embeddingSize;
    }

    public int heads() {
        return heads;
    }

    /** λ = site_dim_per_head · heads. */
    public int siteDim() {
        return siteDimPerHead * heads;
    }

    /** Width of g^F (shared by the heads). */
    public int siteDimPerHead() {
        return siteDimPerHead;
    }

    /** μ = attention_dim_interaction · heads. */
    public int interactionDim() {
        return interactionDimPerHead * heads;
    }

    public int blocks() {
        return blocks;
    }

    public List<Integer> attentionHidden() {
        return attentionHidden;
    }

    public List<Integer> prePool() {
        return prePool;
    }

    public List<Integer> postPool() {
        return postPool;
    }

    /** True for TReLU, false for identity. */
    public boolean trelu() {
        return trelu;
    }

    /** Å, ≤ 0 = off. */
    public double distanceCutoff() {
        return distanceCutoff;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("max_atoms", maxAtoms);
        o.put("embedding_size", embeddingSize);
        o.put("site_dim_per_head", siteDimPerHead);
        o.put("attention_heads", heads);
        o.put("attention_dim_interaction", interactionDimPerHead);
        o.put("attention_blocks", blocks);
        array(o.putArray("attention_hidden_layers"), attentionHidden);
        array(o.putArray("pre_pool_layers"), prePool);
        array(o.putArray("post_pool_layers"), postPool);
        o.put("last_af_func", trelu ? "TReLU" : "identity");
        o.put("distance_cutoff", distanceCutoff);
        return o;
    }

    private static void array(ArrayNode a, List<Integer> values) {
        values.forEach(a::add);
    }

    /** Parses hyper-parameters; {@code null} or {@code {}} gives the defaults. */
    public static SiteNetConfig fromJson(JsonNode hp) {
        Builder b = builder();
        if (hp == null || hp.isNull()) {
            return b.build();
        }
        if (!hp.isObject()) {
            throw new IllegalArgumentException("sitenet hyper-parameters must be a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = hp.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            JsonNode v = e.getValue();
            switch (k) {
                case "max_atoms" -> b.maxAtoms = integer(k, v);
                case "embedding_size" -> b.embeddingSize = integer(k, v);
                case "site_dim_per_head" -> b.siteDimPerHead = integer(k, v);
                case "attention_heads" -> b.heads = integer(k, v);
                case "attention_dim_interaction" -> b.interactionDimPerHead = integer(k, v);
                case "attention_blocks" -> b.blocks = integer(k, v);
                case "attention_hidden_layers" -> b.attentionHidden = integers(k, v);
                case "pre_pool_layers" -> b.prePool = integers(k, v);
                case "post_pool_layers" -> b.postPool = integers(k, v);
                case "last_af_func" -> b.lastActivation(text(k, v));
                case "distance_cutoff" -> b.distanceCutoff = number(k, v);
                default -> throw new IllegalArgumentException("unknown hyper-parameter '" + k + "' for model sitenet");
            }
        }
        return b.build();
    }

    private static int integer(String k, JsonNode v) {
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("hyper-parameter '" + k + "' must be an integer");
        }
        return v.asInt();
    }

    private static double number(String k, JsonNode v) {
        if (!v.isNumber()) {
            throw new IllegalArgumentException("hyper-parameter '" + k + "' must be a number");
        }
        return v.asDouble();
    }

    private static String text(String k, JsonNode v) {
        if (!v.isTextual()) {
            throw new IllegalArgumentException("hyper-parameter '" + k + "' must be a string");
        }
        return v.asText();
    }

    private static List<Integer> integers(String k, JsonNode v) {
        if (!v.isArray()) {
            throw new IllegalArgumentException("hyper-parameter '" + k + "' must be a list of integers");
        }
        List<Integer> out = new ArrayList<>();
        v.forEach(x -> out.add(integer(k, x)));
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SiteNetConfig c && c.toJson().equals(toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return "SiteNetConfig" + toJson();
    }

    /** Builder with the paper's defaults. */
    public static final class Builder {
        private int maxAtoms = SiteNetSupercell.DEFAULT_MAX_ATOMS;
        private int embeddingSize = SiteNetParameters.EMBEDDING_DIM;
        private int siteDimPerHead = 30;
        private int heads = 3;
        private int interactionDimPerHead = 16;
        private int blocks = 2;
        private List<Integer> attentionHidden = List.of(225);
        private List<Integer> prePool = List.of(94);
        private List<Integer> postPool = List.of(200, 200, 200);
        private boolean trelu = true;
        private double distanceCutoff = -1;

        public Builder maxAtoms(int n) {
            maxAtoms = n;
            return this;
        }

        public Builder embeddingSize(int n) {
            embeddingSize = n;
            return this;
        }

        public Builder siteDimPerHead(int n) {
            siteDimPerHead = n;
            return this;
        }

        public Builder heads(int n) {
            heads = n;
            return this;
        }

        public Builder interactionDimPerHead(int n) {
            interactionDimPerHead = n;
            return this;
        }

        public Builder blocks(int n) {
            blocks = n;
            return this;
        }

        public Builder attentionHidden(Integer... widths) {
            attentionHidden = List.of(widths);
            return this;
        }

        public Builder prePool(Integer... widths) {
            prePool = List.of(widths);
            return this;
        }

        public Builder postPool(Integer... widths) {
            postPool = List.of(widths);
            return this;
        }

        /** "TReLU" or "identity" (case-insensitive). */
        public Builder lastActivation(String name) {
            switch (name.toLowerCase(Locale.ROOT)) {
                case "trelu" -> trelu = true;
                case "identity", "none" -> trelu = false;
                default -> throw new IllegalArgumentException(
                        "hyper-parameter 'last_af_func' must be TReLU or identity, got '" + name + "'");
            }
            return this;
        }

        public Builder distanceCutoff(double angstrom) {
            distanceCutoff = angstrom;
            return this;
        }

        public SiteNetConfig build() {
            return new SiteNetConfig(this);
        }
    }
}
