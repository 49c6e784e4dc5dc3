package org.xtal4j.nn.perf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xtal4j.nn.Autograd;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.model.Batch;
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.nn.train.Adam;
import org.xtal4j.nn.train.GradClip;
import org.xtal4j.nn.train.Losses;
import org.xtal4j.nn.train.TrainConfig;

/**
 * A freshly initialised model (seeded from the {@link TrainConfig}) with its Adam optimiser, taking single
 * training steps and inference batches as the {@code Trainer} takes them (zero grads, collate, forward, loss,
 * backward, clipping, Adam at the configuration's lr; evaluation mode without a gradient collector). Each
 * part is reported to {@link StageTimes} under {@link #COLLATE}, {@link #FORWARD}, {@link #BACKWARD} and
 * {@link #OPTIMISER} (recorded only while StageTimes is on). Used by {@link ThroughputBench} and the JMH
 * benchmarks.
 */
public final class StepRunner implements AutoCloseable {

    /** Data preparation per batch: the plugin's collate, which computes the geometry for Crystalformer. */
    public static final String COLLATE = "geometry+collate";
    /** Forward pass and loss. */
    public static final String FORWARD = "forward";
    /** Backward pass of the loss. */
    public static final String BACKWARD = "backward";
    /** Gradient read-out, clipping and the Adam update. */
    public static final String OPTIMISER = "optimiser";

    private final ModelPlugin plugin;
    private final ModelSetup setup;
    private final TrainConfig config;
    private final Backend backend;
    private final NDManager root;
    private final Block block;
    private final ParameterStore ps;
    private final Map<String, NDArray> trainable = new LinkedHashMap<>();
    private final Adam opt;
    private final Losses.Kind lossKind;

    public StepRunner(ModelPlugin plugin, ModelSetup setup, TrainConfig config) {
        this.plugin = plugin;
        this.setup = setup;
        this.config = config;
        this.lossKind = Losses.Kind.parse(config.lossFunc());
        this.backend = Backend.get();
        this.root = backend.newManager();
        backend.seed(config.seed());
        this.block = plugin.newBlock(setup);
        plugin.initialize(block, root, setup);
        for (Map.Entry<String, Parameter> e : plugin.namedParameters(block).entrySet()) {
            if (e.getValue().requiresGradient()) {
                trainable.put(e.getKey(), e.getValue().getArray());
            }
        }
        this.ps = new ParameterStore(root, false);
        this.opt = new Adam(config.optimizer().equals("adamw"), config.beta1(), config.beta2(), config.eps(),
                config.amsgrad(), Adam.groupsByPattern(trainable.keySet(), config.nodecayPattern(),
                config.nodecayWeightDecay(), config.weightDecay()), root);
    }

    /** One optimiser step on the samples (labelled); returns the loss. */
    public double train(List<? extends Sample> samples) {
        double lossValue;
        try (NDManager sm = root.newSubManager()) {
            backend.ensureFlushDenormal();
            try (NDScope scope = new NDScope()) {
                Autograd.zeroGrad(trainable.values());
                long t = System.nanoTime();
                Batch batch = plugin.collate(samples, sm, setup);
                t = lap(COLLATE, t);
                try (GradientCollector gc = backend.engine().newGradientCollector()) {
                    NDList outputs = plugin.forward(block, ps, batch, true, false, setup);
                    NDArray loss = lossKind == Losses.Kind.MODEL ? plugin.loss(outputs, batch, setup)
                            : Losses.of(lossKind, outputs.get(ModelPlugin.OUTPUT_PREDICTION), batch.labels().get(0));
                    t = lap(FORWARD, t);
                    if (plugin.needsInputGradients()) {
                        Autograd.backward(loss);
                    } else {
                        gc.backward(loss);
                    }
                    lossValue = loss.toType(DataType.FLOAT64, false).getDouble();
                    lap(BACKWARD, t);
                }
                if (plugin.needsInputGradients()) {
                    Autograd.detachGrads(trainable.values());
                    Autograd.detachGrads(batch.inputs().stream().filter(NDArray::hasGradient).toList());
                }
            }
            long t = System.nanoTime();
            Map<String, NDArray> grads = new LinkedHashMap<>();
            try {
                for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                    PtNDArray g = JniUtils.getGradient((PtNDArray) e.getValue());
                    if (g != null) {
                        grads.put(e.getKey(), g);
                    }
                }
                if (config.clipValue() > 0) {
                    GradClip.clipValue(grads.values(), config.clipValue());
                }
                if (config.clipNorm() > 0) {
                    GradClip.clipNorm(grads.values(), config.clipNorm());
                }
                opt.step(trainable, grads, config.lr());
            } finally {
                grads.values().forEach(NDArray::close);
            }
            lap(OPTIMISER, t);
        }
        return lossValue;
    }

    /** One evaluation-mode batch: collate and forward; returns the predictions [B, T] read back to the host. */
    public double[] infer(List<? extends Sample> samples) {
        try (NDManager sm = root.newSubManager();
             NDScope scope = new NDScope()) {
            backend.ensureFlushDenormal();
            long t = System.nanoTime();
            Batch batch = plugin.collate(samples, sm, setup);
            t = lap(COLLATE, t);
            NDList outputs;
            if (plugin.needsInputGradients()) {
                try (GradientCollector gc = backend.engine().newGradientCollector()) {
                    outputs = plugin.forward(block, ps, batch, false, false, setup);
                }
                Autograd.zeroGrad(trainable.values());
                Autograd.detachGrads(trainable.values());
                Autograd.detachGrads(batch.inputs().stream().filter(NDArray::hasGradient).toList());
            } else {
                outputs = plugin.forward(block, ps, batch, false, false, setup);
            }
            double[] p = outputs.get(ModelPlugin.OUTPUT_PREDICTION).toType(DataType.FLOAT64, false).toDoubleArray();
            lap(FORWARD, t);
            return p;
        }
    }

    private static long lap(String stage, long since) {
        long now = System.nanoTime();
        StageTimes.add(stage, now - since);
        return now;
    }

    @Override
    public void close() {
        opt.close();
        root.close();
    }
}
