package org.xtal4j.models.sitenet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xtal4j.nn.model.Batch;
import org.xtal4j.nn.model.ModelConfig;
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.nn.train.TrainConfig;
import org.xtal4j.structure.Structure;

/**
 * Site-Net (Moran et al., Digital Discovery 2023) as a {@link ModelPlugin}: spec {@code sitenet.md}.
 *
 * <ul>
 *   <li>prepare: P1 cell and approximately cubic supercell of at most {@code max_atoms} sites
 *       ({@link SiteNetSupercell}), raw features ({@link SiteNetFeatures}). Structures with a NaN Magpie
 *       feature, Z &gt; 99 or partial occupancy throw {@link SiteNetInputException} (an
 *       IllegalArgumentException) with the reason; the reference drops them silently. A P1 cell larger
 *       than {@code max_atoms} is kept as its own "supercell" (spec §1.3 item 7) and its sample carries
 *       the message ({@link SiteNetSample#oversize()}): the reference predicts such crystals but leaves
 *       them out of training, which is the caller's choice.</li>
 *   <li>collate: index-tensor batching over the unique (P1) sites (§3, {@link SiteNetBatch}); inputs in
 *       the order atomic_id, magpie, oxidation, interaction, attention_i, attention_j, attention_mask,
 *       coo. {@link Sample#atomCount()} is the number of unique sites, so the trainer reproduces the
 *       reference's dynamic batches with {@code max_atoms_per_batch = }{@link #SITES_PER_BATCH}
 *       (see {@link #referenceTrainConfig()}; {@link #withoutOversize} is the reference's training filter).</li>
 *   <li>forward: {@link SiteNetForward}; first the embedding rows of the batch are renormalised to norm
 *       ≤ 1 in the parameter itself, without gradient, as PyTorch's {@code max_norm=1} does.
 *       Outputs: {@code prediction} [B, T] (TReLU or identity); with explain also
 *       {@code attention.block<b>} [Σn, W, H] (b from 0), {@code attention.distance} [Σn, W] (raw
 *       distances, 0 in padded columns) and {@code attention.long_range} [blocks, B, H].</li>
 *   <li>loss: L1, mean over crystals (summed over targets).</li>
 * </ul>
 * Predictions are in the setup's normalised units; TReLU is only meaningful without target
 * normalisation ({@code normalize_targets: no}, as the reference trains).
 */
public final class SiteNetPlugin implements ModelPlugin {

    public static final String NAME = "sitenet";
    /** The reference's dynamic batch size: unique (P1) sites per batch. */
    public static final int SITES_PER_BATCH = 1200;
    /** Output names added with explain. */
    public static final String OUTPUT_DISTANCE = OUTPUT_ATTENTION + "distance";
    public static final String OUTPUT_LONG_RANGE = OUTPUT_ATTENTION + "long_range";

    private static final System.Logger LOG = System.getLogger(SiteNetPlugin.class.getName());

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Site-Net: attention over the sites of an approximately cubic supercell, Digital Discovery 2023";
    }

    @Override
    public ModelConfig parseConfig(JsonNode hyperParameters) {
        return SiteNetConfig.fromJson(hyperParameters);
    }

    private static SiteNetConfig config(ModelSetup setup) {
        return (SiteNetConfig) setup.config();
    }

    /** Name of the attention output of block b (0-based). */
    public static String attentionOutput(int block) {
        return OUTPUT_ATTENTION + "block" + block;
    }

    /**
     * The reference's training recipe (spec §4) as trainer settings: AdamW with amsgrad, lr 8.126e-4,
     * betas (0.9, 0.999), eps 1e-7, weight decay 1e-4 on every parameter, global-norm clipping 1.0, constant
     * learning rate, dynamic batches of 1200 unique sites in shuffled order, no target normalisation, the
     * model's L1 loss.
     */
    public static TrainConfig referenceTrainConfig() {
        return TrainConfig.builder().optimizer("adamw").lr(8.125971481941902e-4).betas(0.9, 0.999).eps(1e-7)
                .amsgrad(true).weightDecay(1e-4).nodecayWeightDecay(1e-4).clipNorm(1.0).clipValue(0)
                .schedule("const").maxAtomsPerBatch(SITES_PER_BATCH).bucketBySize(false).dropLast(false)
                .lossFunc("model").normalizeTargets("no").swaEpochs(0).build();
    }

    @Override
    public Block newBlock(ModelSetup setup) {
        return new SiteNetBlock(config(setup), Math.max(1, setup.targetNames().size()));
    }

    /** PyTorch's default initialisation (see {@link SiteNetBlock}). */
    @Override
    public void initialize(Block block, NDManager manager, ModelSetup setup) {
        ((SiteNetBlock) block).initializeLikePyTorch(manager, setup.precision().dataType());
    }

    @Override
    public Map<String, Parameter> namedParameters(Block block) {
        return ((SiteNetBlock) block).namedParameters();
    }

    @Override
    public Sample prepare(Structure s, ModelSetup setup) {
        SiteNetConfig c = config(setup);
        SiteNetFeatures.rejection(s).ifPresent(m -> {
            throw new SiteNetInputException(m);
        });
        SiteNetSupercell cell = SiteNetSupercell.of(s, c.maxAtoms());
        String oversize = cell.oversizeMessage().orElse(null);
        if (oversize != null) {
            LOG.log(System.Logger.Level.DEBUG, oversize);
        }
        // structures carry no oxidation states: the 101st feature is 0, as for Matbench's undecorated elements
        SiteNetFeatures f = SiteNetFeatures.of(cell);
        return new SiteNetSample(f, cell.primitive().lattice().volume(), oversize, labels(s, setup));
    }

    /**
     * The reference's training filter ({@code train.py -u}): the samples whose P1 cell fits in max_atoms.
     * Such crystals are still predicted and explained, only not trained on.
     */
    public static <S extends Sample> List<S> withoutOversize(List<S> samples) {
        return samples.stream().filter(s -> !(s instanceof SiteNetSample sn) || sn.oversize().isEmpty()).toList();
    }

    /** Sample from features computed elsewhere (tests, cached pipelines). */
    public static SiteNetSample sample(SiteNetFeatures features, double p1Volume, double[] normalisedLabels) {
        return new SiteNetSample(features, p1Volume, null, normalisedLabels);
    }

    private static double[] labels(Structure s, ModelSetup setup) {
        List<String> names = setup.targetNames();
        if (names.isEmpty() || !names.stream().allMatch(t -> s.properties().get(t) instanceof Number)) {
            return null;
        }
        double[] y = new double[names.size()];
        for (int t = 0; t < y.length; t++) {
            double v = ((Number) s.properties().get(names.get(t))).doubleValue();
            y[t] = setup.normalisation().targets().get(t).normalise(v);
        }
        return y;
    }

    @Override
    public Batch collate(List<? extends Sample> samples, NDManager manager, ModelSetup setup) {
        DataType type = setup.precision().dataType();
        List<SiteNetFeatures> features = new ArrayList<>();
        boolean labelled = true;
        int nt = Math.max(1, setup.targetNames().size());
        double[] y = new double[samples.size() * nt];
        for (int b = 0; b < samples.size(); b++) {
            SiteNetSample s = (SiteNetSample) samples.get(b);
            features.add(s.features());
            if (s.hasLabels() && s.labels().length == nt) {
                System.arraycopy(s.labels(), 0, y, b * nt, nt);
            } else {
                labelled = false;
            }
        }
        SiteNetBatch sb = SiteNetBatch.of(features);
        NDList in = new NDList(sb.atomicId().toNDArray(manager), sb.magpie().toNDArray(manager, type),
                sb.oxidationState().toNDArray(manager, type), sb.interaction().toNDArray(manager, type),
                sb.attentionI().toNDArray(manager), sb.attentionJ().toNDArray(manager),
                sb.attentionMask().toNDArray(manager), sb.coo().toNDArray(manager));
        NDList labels = labelled ? new NDList(manager.create(y, new Shape(samples.size(), nt)).toType(type, false))
                : new NDList();
        return new Batch(in, labels, samples);
    }

    @Override
    public NDList forward(Block block, ParameterStore parameters, Batch batch, boolean training, boolean explain,
                          ModelSetup setup) {
        SiteNetBlock sb = (SiteNetBlock) block;
        NDList in = batch.inputs();
        NDArray atomicId = in.get(0);
        Map<String, NDArray> p = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : sb.namedParameters().entrySet()) {
            p.put(e.getKey(), parameters.getValue(e.getValue(), atomicId.getDevice(), training));
        }
        renormaliseEmbedding(p.get("Elemental_Embeddings.weight"), atomicId);
        int crystals = batch.size();
        NDScope scope = new NDScope();
        try {
            Map<String, NDArray> out = SiteNetForward.forward(p, atomicId, in.get(1), in.get(2), in.get(3), in.get(4),
                    in.get(5), in.get(6), in.get(7), crystals, sb.config().distanceCutoff(), false);
            NDArray pred = out.get(sb.config().trelu() ? "out.prediction" : "out.prediction_raw")
                    .reshape(crystals, sb.targetCount());
            pred.setName(OUTPUT_PREDICTION);
            NDList result = new NDList(pred);
            if (explain) {
                for (int b = 0; b < sb.config().blocks(); b++) {
                    NDArray a = out.get("fwd.block" + (b + 1) + ".attention");
                    a.setName(attentionOutput(b));
                    result.add(a);
                }
                NDArray d = in.get(3).get(new NDIndex(":, :, 0"));
                d.setName(OUTPUT_DISTANCE);
                result.add(d);
                NDArray lr = out.get("out.long_range");
                lr.setName(OUTPUT_LONG_RANGE);
                result.add(lr);
            }
            // ops that start from a parameter put their results on the parameters' long-lived manager:
            // the outputs move to the batch's manager, the scope closes every other intermediate
            NDManager stepManager = atomicId.getManager();
            for (NDArray r : result) {
                NDScope.unregister(r);
                r.attach(stepManager);
            }
            return result;
        } finally {
            scope.close();
        }
    }

    /**
     * PyTorch's {@code Embedding(max_norm=1)}: each row looked up is replaced in the weight by
     * w/(‖w‖ + 1e-7) when ‖w‖ &gt; 1, under no_grad, before the lookup.
     */
    static void renormaliseEmbedding(NDArray weight, NDArray atomicId) {
        long rows = weight.getShape().get(0);
        Set<Long> used = new LinkedHashSet<>();
        for (long z : atomicId.toLongArray()) {
            used.add(z);
        }
        boolean[] mask = new boolean[(int) rows];
        used.forEach(z -> mask[z.intValue()] = true);
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager tmp = weight.getManager().newSubManager()) {
            NDArray w = weight.duplicate();
            w.attach(tmp);
            NDArray norm = w.norm(new int[] {1}, true);
            NDArray on = tmp.create(mask, new Shape(rows, 1)).logicalAnd(norm.gt(1));
            NDArray scale = NDArrays.where(on, norm.onesLike().div(norm.add(1e-7)), norm.onesLike());
            weight.muli(scale);
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /** L1 summed over targets, mean over crystals (the reference's loss for its single target). */
    @Override
    public NDArray loss(NDList outputs, Batch batch, ModelSetup setup) {
        NDArray pred = outputs.get(OUTPUT_PREDICTION);
        return pred.sub(batch.labels().get(0)).abs().sum(new int[] {1}).mean();
    }

    /** The outputs of the paper's two-block model; a model with more blocks adds attention.block2, …. */
    @Override
    public Set<String> explanationOutputs() {
        Set<String> s = new LinkedHashSet<>();
        for (int b = 0; b < SiteNetConfig.defaults().blocks(); b++) {
            s.add(attentionOutput(b));
        }
        s.add(OUTPUT_DISTANCE);
        s.add(OUTPUT_LONG_RANGE);
        return s;
    }
}
