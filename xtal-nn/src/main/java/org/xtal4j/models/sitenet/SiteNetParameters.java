package org.xtal4j.models.sitenet;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names and shapes of Site-Net's parameters under the reference's {@code state_dict} names, for the
 * paper's hyper-parameters (PaperParams: embedding 200×92, λ = 90 = 30·3 heads, μ = 48, g^W hidden
 * 225, pre-pool 94, post-pool 3×200). A Linear stores {@code weight} as [out, in].
 */
public final class SiteNetParameters {

    public static final int EMBEDDING_ROWS = 200;
    public static final int EMBEDDING_DIM = 92;
    public static final int RAW_SITE = EMBEDDING_DIM + 8 + 1;
    public static final int SITE = 90;
    public static final int INTERACTION = 48;
    public static final int BOND = SITE + SITE + INTERACTION;
    public static final int ATTENTION_HIDDEN = 225;
    public static final int ATTENTION_FEATURES = SITE / SiteNetForward.HEADS;
    public static final int PRE_POOL = 94;
    public static final int POST_POOL = 200;

    private SiteNetParameters() {
    }

    /** Name → shape of the paper's model (one target), in a fixed order. */
    public static Map<String, long[]> shapes() {
        return shapes(SiteNetConfig.defaults(), 1);
    }

    /** Name → shape for a configuration and a number of targets (decoder rows), in a fixed order. */
    public static Map<String, long[]> shapes(SiteNetConfig c, int targets) {
        Map<String, long[]> m = new LinkedHashMap<>();
        int site = c.siteDim();
        int inter = c.interactionDim();
        int bond = 2 * site + inter;
        linear(m, "encoder.site_featurization", site, c.embeddingSize() + 8 + 1);
        norm(m, "encoder.site_featurization_norm.Norm", site);
        linear(m, "encoder.interaction_featurization", inter, 2);
        norm(m, "encoder.interaction_featurization_norm.Norm", inter);
        for (int b = 0; b < c.blocks(); b++) {
            String pre = "encoder.Attention_Blocks." + b + ".";
            int in = bond;
            for (int l = 0; l < c.attentionHidden().size(); l++) {
                int out = c.attentionHidden().get(l);
                linear(m, pre + "ije_to_multihead.linear_layers." + l, out, in);
                norm(m, pre + "ije_to_multihead.norm_layers." + l + ".Norm", out);
                in = out;
            }
            linear(m, pre + "pre_softmax_linear", c.heads(), in);
            linear(m, pre + "ije_to_Interaction_Features.linear_layers.0", inter, bond);
            norm(m, pre + "ije_to_Interaction_Features.norm_layers.0.Norm", inter);
            linear(m, pre + "ije_to_attention_features.linear_layers.0", c.siteDimPerHead(), bond);
            norm(m, pre + "ije_to_attention_features.norm_layers.0.Norm", c.siteDimPerHead());
            linear(m, pre + "global_linear.linear_layers.0", site, site);
            norm(m, pre + "global_linear.norm_layers.0.Norm", site);
        }
        int in = c.blocks() * site;
        for (int l = 0; l < c.prePool().size(); l++) {
            linear(m, "encoder.pre_pool_layers." + l, c.prePool().get(l), in);
            norm(m, "encoder.pre_pool_layers_norm." + l + ".Norm", c.prePool().get(l));
            in = c.prePool().get(l);
        }
        for (int l = 0; l < c.postPool().size(); l++) {
            linear(m, "encoder.post_pool_layers." + l, c.postPool().get(l), in);
            norm(m, "encoder.post_pool_layers_norm." + l, c.postPool().get(l));
            in = c.postPool().get(l);
        }
        linear(m, "decoder", targets, in);
        m.put("Elemental_Embeddings.weight", new long[] {EMBEDDING_ROWS, c.embeddingSize()});
        return Collections.unmodifiableMap(m);
    }

    /** Total number of values. */
    public static long count() {
        long total = 0;
        for (long[] s : shapes().values()) {
            long n = 1;
            for (long d : s) {
                n *= d;
            }
            total += n;
        }
        return total;
    }

    private static void linear(Map<String, long[]> m, String name, int out, int in) {
        m.put(name + ".weight", new long[] {out, in});
        m.put(name + ".bias", new long[] {out});
    }

    private static void norm(Map<String, long[]> m, String name, int dim) {
        m.put(name + ".weight", new long[] {dim});
        m.put(name + ".bias", new long[] {dim});
    }
}
