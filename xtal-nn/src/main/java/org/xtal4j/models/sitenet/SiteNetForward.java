package org.xtal4j.models.sitenet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.xtal4j.nn.NnOps;

/**
 * Site-Net's forward pass (spec {@code sitenet.md} §2–3) as a pure function of
 * the reference's {@code state_dict} tensors and one collated batch, returning every intermediate
 * under the names of the parity fixtures ({@code fwd.S0}, {@code fwd.block1.attention}, …,
 * {@code out.prediction}). It is the numerical core a DJL block will wrap; it works in whatever
 * floating type the given arrays have and creates its results on the managers of its inputs, so
 * callers should run it inside an {@code NDScope} or a step-scoped manager. Layer and block counts come
 * from the parameters present (consecutive indices), so any {@link SiteNetConfig} runs; the decoder's rows
 * are the targets ({@code out.prediction} is [B] for one target, [B, T] otherwise).
 *
 * <p>The embedding's max_norm=1 renormalisation is applied to the looked-up rows
 * ({@code w/(‖w‖+1e-7)} where ‖w‖ &gt; 1) and returned as {@code embedding.rows}; the reference also
 * writes them back into the parameter, which is the caller's business (the gradient reaches those
 * rows unscaled, as in PyTorch). {@code out.prediction} is TReLU with a straight-through gradient.
 */
public final class SiteNetForward {

    /** Attention blocks of PaperParams (the forward itself takes as many as the parameters hold). */
    public static final int BLOCKS = 2;
    /** Heads of PaperParams. */
    public static final int HEADS = 3;
    private static final double LAYER_NORM_EPS = 1e-5;

    private SiteNetForward() {
    }

    /**
     * The forward pass of one batch.
     *
     * @param p reference parameter name → array
     * @param atomicId [Σn] int64 tokens (Z)
     * @param magpie [Σn, 8] raw Magpie features
     * @param oxidation [Σn, 1]
     * @param interaction [Σn, W, 2] raw interaction features, zero-padded along j
     * @param attentionI [Σn, W] int64
     * @param attentionJ [Σn, W] int64
     * @param mask [Σn, W] boolean, true = padding
     * @param coo [Σn] int64 crystal of each row
     * @param crystals B
     * @param distanceCutoff Å; pairs with a raw distance above it are masked (≤ 0: off)
     */
    public static Map<String, NDArray> forward(Map<String, NDArray> p, NDArray atomicId, NDArray magpie,
            NDArray oxidation, NDArray interaction, NDArray attentionI, NDArray attentionJ, NDArray mask, NDArray coo,
            int crystals, double distanceCutoff) {
        return forward(p, atomicId, magpie, oxidation, interaction, attentionI, attentionJ, mask, coo, crystals,
                distanceCutoff, true);
    }

    /**
     * The forward pass; with {@code inspect} false (training and prediction) the pair-sized intermediates that
     * nothing downstream reads are neither kept nor computed: the interaction features g^I are closed once
     * concatenated and the last block's g^I (unused by the model) is skipped, so those entries are absent.
     */
    public static Map<String, NDArray> forward(Map<String, NDArray> p, NDArray atomicId, NDArray magpie,
            NDArray oxidation, NDArray interaction, NDArray attentionI, NDArray attentionJ, NDArray mask, NDArray coo,
            int crystals, double distanceCutoff, boolean inspect) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        Function<String, NDArray> w = name -> {
            NDArray a = p.get(name);
            if (a == null) {
                throw new IllegalArgumentException("missing parameter " + name);
            }
            return a;
        };
        // embedding lookup with max_norm = 1
        NDArray rows = w.apply("Elemental_Embeddings.weight").get(new NDIndex("{}", atomicId));
        NDArray norm = rows.norm(new int[] {1}, true);
        NDArray scale = NDArrays.where(norm.gt(1), norm.onesLike().div(norm.add(1e-7)), norm.onesLike());
        // torch renormalises the weight in place under no_grad, then looks up: the gradient reaches
        // the (renormalised) rows unscaled
        NDArray emb = rows.add(rows.mul(scale).sub(rows).stopGradient());
        out.put("embedding.rows", emb);
        NDArray x = NDArrays.concat(new ai.djl.ndarray.NDList(emb, magpie, oxidation), 1);
        out.put("x.input", x);

        NDArray s = dense(x, w, "encoder.site_featurization", "encoder.site_featurization_norm.Norm");
        NDArray inter = dense(interaction, w, "encoder.interaction_featurization",
                "encoder.interaction_featurization_norm.Norm");
        out.put("fwd.S0", s);
        if (inspect) {
            out.put("fwd.I0", inter);
        }

        long rowsN = attentionI.getShape().get(0);
        long width = attentionI.getShape().get(1);
        NDArray pad = mask.expandDims(2);
        if (distanceCutoff > 0) {
            NDArray far = interaction.get(new NDIndex(":, :, 0")).gt(distanceCutoff);
            pad = pad.logicalOr(far.expandDims(2));
        }
        NDArray distance = interaction.get(new NDIndex(":, :, 0"));
        int blocks = count(p, "encoder.Attention_Blocks.", ".pre_softmax_linear.weight");
        NDArray[] siteOut = new NDArray[blocks];
        NDArray[] attention = new NDArray[blocks];
        for (int b = 0; b < blocks; b++) {
            String pre = "encoder.Attention_Blocks." + b + ".";
            String name = "fwd.block" + (b + 1) + ".";
            NDArray gi = s.get(new NDIndex("{}", attentionI.flatten()));
            NDArray gj = s.get(new NDIndex("{}", attentionJ.flatten()));
            NDArray si = gi.reshape(rowsN, width, -1);
            NDArray sj = gj.reshape(rowsN, width, -1);
            NDArray bond = NDArrays.concat(new ai.djl.ndarray.NDList(si, sj, inter), 2);
            // the gathers' backward needs only the indices: their [Σn, W, λ] results go at once
            for (NDArray g : new NDArray[] {si, sj, gi, gj}) {
                g.close();
            }
            if (!inspect) {
                inter.close();   // the concatenation's backward does not read its inputs
            }
            NDArray hidden = bond;
            for (int l = 0; p.containsKey(pre + "ije_to_multihead.linear_layers." + l + ".weight"); l++) {
                NDArray next = dense(hidden, w, pre + "ije_to_multihead.linear_layers." + l,
                        pre + "ije_to_multihead.norm_layers." + l + ".Norm");
                if (hidden != bond) {
                    hidden.close();
                }
                hidden = next;
            }
            NDArray logits = linear(hidden, w.apply(pre + "pre_softmax_linear.weight"), w.apply(pre + "pre_softmax_linear.bias"));
            if (hidden != bond) {
                hidden.close();   // autograd keeps it for the linear's backward; nothing else needs the handle
            }
            NDArray masked = NDArrays.where(pad.broadcast(logits.getShape()),
                    logits.zerosLike().sub(Double.POSITIVE_INFINITY), logits);
            NDArray att = masked.softmax(1);
            NDArray f = dense(bond, w, pre + "ije_to_attention_features.linear_layers.0",
                    pre + "ije_to_attention_features.norm_layers.0.Norm");
            // aggregated[i, e·H + h] = Σ_j att[i, j, h]·F[i, j, e]
            NDArray agg = f.transpose(0, 2, 1).matMul(att).reshape(rowsN, -1);
            NDArray sNew = dense(agg, w, pre + "global_linear.linear_layers.0", pre + "global_linear.norm_layers.0.Norm");
            out.put(name + "logits", logits);
            out.put(name + "attention", att);
            out.put(name + "F", f);
            out.put(name + "aggregated", agg);
            out.put(name + "site_features", sNew);
            // the last block's g^I output is never used by the model; it is computed for inspection only
            if (inspect || b < blocks - 1) {
                inter = dense(bond, w, pre + "ije_to_Interaction_Features.linear_layers.0",
                        pre + "ije_to_Interaction_Features.norm_layers.0.Norm");
                if (inspect) {
                    out.put(name + "interaction_features", inter);
                }
            }
            siteOut[b] = sNew;
            attention[b] = att;
            s = sNew;
        }
        NDArray global = NDArrays.concat(new ai.djl.ndarray.NDList(siteOut), 1);
        out.put("fwd.global_summary", global);
        NDArray prePool = global;
        for (int l = 0; p.containsKey("encoder.pre_pool_layers." + l + ".weight"); l++) {
            prePool = dense(prePool, w, "encoder.pre_pool_layers." + l, "encoder.pre_pool_layers_norm." + l + ".Norm");
        }
        out.put("fwd.pre_pool", prePool);
        NDArray g = NnOps.segmentMean(prePool, coo, crystals);
        out.put("fwd.pooled", g);
        for (int l = 0; p.containsKey("encoder.post_pool_layers." + l + ".weight"); l++) {
            g = dense(g, w, "encoder.post_pool_layers." + l, "encoder.post_pool_layers_norm." + l);
            out.put("fwd.post_pool" + (l + 1), g);
        }
        // [B] for the reference's single target, [B, T] otherwise
        NDArray raw = linear(g, w.apply("decoder.weight"), w.apply("decoder.bias"));
        if (raw.getShape().get(1) == 1) {
            raw = raw.reshape(crystals);
        }
        out.put("out.prediction_raw", raw);
        // TReLU: forward max(ŷ, 0), backward identity (straight-through); raw + (0 − raw) is exactly 0
        out.put("out.prediction", raw.add(raw.maximum(0).sub(raw).stopGradient()));
        // long-range coefficients: max over a crystal's rows and columns of d·attention, per block and head
        long[] cooHost = coo.toLongArray();
        NDArray[] lr = new NDArray[blocks];
        for (int b = 0; b < blocks; b++) {
            NDArray weighted = attention[b].mul(distance.expandDims(2)).max(new int[] {1}); // [Σn, H]
            NDArray[] perCrystal = new NDArray[crystals];
            int start = 0;
            for (int c = 0; c < crystals; c++) {
                int end = start;
                while (end < cooHost.length && cooHost[end] == c) {
                    end++;
                }
                perCrystal[c] = weighted.get(new NDIndex(start + ":" + end)).max(new int[] {0});
                start = end;
            }
            lr[b] = NDArrays.stack(new ai.djl.ndarray.NDList(perCrystal));
        }
        NDArray longRange = NDArrays.stack(new ai.djl.ndarray.NDList(lr));
        out.put("out.long_range", longRange);
        out.put("out.long_range_block1_sum", lr[0].sum(new int[] {1}));
        out.put("out.long_range_eqn8", lr[blocks - 1].sum(new int[] {1}));
        return out;
    }

    /** Number of consecutive indices i for which {@code prefix + i + suffix} is a parameter. */
    static int count(Map<String, NDArray> p, String prefix, String suffix) {
        int n = 0;
        while (p.containsKey(prefix + n + suffix)) {
            n++;
        }
        return n;
    }

    /** Batch L1 loss after TReLU: mean_c |max(ŷ_c, 0) − y_c|. */
    public static NDArray loss(NDArray prediction, NDArray target) {
        return prediction.sub(target).abs().mean();
    }

    /**
     * x·tanh(softplus(x)) with PyTorch's native softplus (log1p(exp(x)), x above 20 passed through). Not DJL's
     * {@code Activation.mish}: with DJL 0.32 / PyTorch 2.5.1 (CPU) it returns −0.4075 for x = −0.8828 (exact:
     * −0.2939), in float32 and float64 and for any array size. The Java handles of the intermediates are closed
     * at once: autograd keeps what it needs (x and the tanh), a pair-sized [Σn, W, 225] intermediate less each.
     */
    static NDArray mish(NDArray x) {
        NDArray sp = JniUtils.softPlus((PtNDArray) x);
        NDArray t = sp.tanh();
        sp.close();
        NDArray out = x.mul(t);
        t.close();
        return out;
    }

    static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return x.matMul(weight.transpose()).add(bias);
    }

    /**
     * Linear → Mish → LayerNorm (biased variance, eps 1e-5, affine; PyTorch's native layer_norm, which keeps
     * only its input and two per-row statistics for the backward pass). Intermediates are closed as soon as
     * they are consumed: on the [Σn, W, ·] pair tensors, every live intermediate is ~0.5 GB for a batch of
     * 1200 sites × 500 columns × 225 floats.
     */
    static NDArray dense(NDArray x, Function<String, NDArray> w, String linear, String norm) {
        NDArray z = x.matMul(w.apply(linear + ".weight").transpose());
        NDArray lin = z.add(w.apply(linear + ".bias"));
        z.close();
        NDArray h = mish(lin);
        lin.close();
        long last = h.getShape().get(h.getShape().dimension() - 1);
        NDArray out = JniUtils.layerNorm((PtNDArray) h, new Shape(last), (PtNDArray) w.apply(norm + ".weight"),
                (PtNDArray) w.apply(norm + ".bias"), LAYER_NORM_EPS);
        h.close();
        return out;
    }
}
