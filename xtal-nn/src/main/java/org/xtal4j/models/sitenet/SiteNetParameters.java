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

    /** Name → shape, in a fixed order. */
    public static Map<String, long[]> shapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        linear(m, "encoder.site_featurization", SITE, RAW_SITE);
        norm(m, "encoder.site_featurization_norm.Norm", SITE);
        linear(m, "encoder.interaction_featurization", INTERACTION, 2);
        norm(m, "encoder.interaction_featurization_norm.Norm", INTERACTION);
        for (int b = 0; b < SiteNetForward.BLOCKS; b++) {
            String pre = "encoder.Attention_Blocks." + b + ".";
            linear(m, pre + "ije_to_multihead.linear_layers.0", ATTENTION_HIDDEN, BOND);
            norm(m, pre + "ije_to_multihead.norm_layers.0.Norm", ATTENTION_HIDDEN);
            linear(m, pre + "pre_softmax_linear", SiteNetForward.HEADS, ATTENTION_HIDDEN);
            linear(m, pre + "ije_to_Interaction_Features.linear_layers.0", INTERACTION, BOND);
            norm(m, pre + "ije_to_Interaction_Features.norm_layers.0.Norm", INTERACTION);
            linear(m, pre + "ije_to_attention_features.linear_layers.0", ATTENTION_FEATURES, BOND);
            norm(m, pre + "ije_to_attention_features.norm_layers.0.Norm", ATTENTION_FEATURES);
            linear(m, pre + "global_linear.linear_layers.0", SITE, SITE);
            norm(m, pre + "global_linear.norm_layers.0.Norm", SITE);
        }
        linear(m, "encoder.pre_pool_layers.0", PRE_POOL, SiteNetForward.BLOCKS * SITE);
        norm(m, "encoder.pre_pool_layers_norm.0.Norm", PRE_POOL);
        for (int l = 0; l < 3; l++) {
            linear(m, "encoder.post_pool_layers." + l, POST_POOL, l == 0 ? PRE_POOL : POST_POOL);
            norm(m, "encoder.post_pool_layers_norm." + l, POST_POOL);
        }
        linear(m, "decoder", 1, POST_POOL);
        m.put("Elemental_Embeddings.weight", new long[] {EMBEDDING_ROWS, EMBEDDING_DIM});
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
