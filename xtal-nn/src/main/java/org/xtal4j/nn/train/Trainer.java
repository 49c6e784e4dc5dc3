package org.xtal4j.nn.train;

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
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.xtal4j.nn.Autograd;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.io.HostTensor;
import org.xtal4j.nn.io.NamedTensors;
import org.xtal4j.nn.io.Safetensors;
import org.xtal4j.nn.model.Batch;
import org.xtal4j.nn.model.ModelFile;
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Provenance;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.nn.model.Weights;

/**
 * Model-agnostic training loop over a {@link ModelPlugin} (crystalformer.md §11): per epoch, seeded batches
 * of similar atom count; per step zero grads → forward → loss → backward → clip → Adam/AdamW → (SWA update in
 * the last {@code swa_epochs} epochs) → schedule step (frozen during SWA). Validation after each epoch keeps
 * the best weights; optional early stopping. After every epoch {@code OUT/metrics.csv} and the checkpoint
 * {@code OUT/checkpoint/last.safetensors} (weights, optimiser and SWA state, counters, history) are replaced
 * atomically, so a killed run resumed with {@link Builder#resume} ends exactly as an unbroken one (the
 * engine RNG is re-seeded from (seed, epoch) at each epoch and batch order depends only on (seed, epoch)).
 * At the end: {@code model.xtal} (the SWA average when it ran, as the reference releases, otherwise the best
 * weights), {@code best.xtal} when SWA ran, PNG learning curves and parity plots. A plugin's
 * {@link ModelPlugin.TrainingState} (PET's sliding loss scales) sees each epoch's validation outputs, is updated
 * after that validation, feeds the training loss, and is saved in the checkpoint with the rest.
 *
 * <p>Gradients are zeroed in place each step (DJL cannot set them to None): a parameter that had a gradient
 * once but gets none in a later step is still updated with a zero gradient (moments, decay), where PyTorch's
 * {@code zero_grad(set_to_none=True)} would skip it. Parameters that never receive a gradient (or do not
 * require one) are never touched, as in PyTorch. The engine RNG is not stored in the checkpoint: it is
 * re-seeded from (seed, epoch) at every epoch, which makes a resumed run identical.
 *
 * <p>Conventions expected from the plugin: the first label array of a batch holds the normalised targets
 * [B, T] and {@link ModelPlugin#OUTPUT_PREDICTION} the normalised predictions [B, T].
 */
public final class Trainer {

    static final String CHECKPOINT_DIR = "checkpoint";
    static final String LAST = "last.safetensors";
    static final String BEST = "best.safetensors";
    private static final String STATE_KEY = "xtal4j.checkpoint";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelPlugin plugin;
    private final ModelSetup setup;
    private final TrainConfig config;
    private final List<? extends Sample> train;
    private final List<? extends Sample> validation;
    private final List<? extends Sample> test;
    private final Path out;
    private final Provenance provenance;
    private final boolean resume;
    private final int stopAfterEpochs;
    private final boolean quiet;
    private final PrintStream log;
    private final String gitCommit;
    private final Boolean progress;
    private final NamedTensors initialWeights;
    private final boolean onlyMatchingWeights;

    private Trainer(Builder b) {
        this.plugin = Objects.requireNonNull(b.plugin, "plugin");
        this.setup = Objects.requireNonNull(b.setup, "setup");
        this.config = Objects.requireNonNull(b.config, "config");
        this.train = List.copyOf(Objects.requireNonNull(b.train, "training samples"));
        this.validation = List.copyOf(b.validation);
        this.test = List.copyOf(b.test);
        this.out = Objects.requireNonNull(b.out, "output folder");
        this.provenance = b.provenance == null ? Provenance.now() : b.provenance;
        this.resume = b.resume;
        this.stopAfterEpochs = b.stopAfterEpochs;
        this.quiet = b.quiet;
        this.log = b.log == null ? System.err : b.log;
        this.gitCommit = b.gitCommit != null ? b.gitCommit : this.provenance.gitCommit();   // null: detected at the end
        this.progress = b.progress;
        this.initialWeights = b.initialWeights;
        this.onlyMatchingWeights = b.onlyMatchingWeights;
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training samples");
        }
        for (List<? extends Sample> split : List.of(train, validation, test)) {
            for (Sample s : split) {
                if (!s.hasLabels()) {
                    throw new IllegalArgumentException("a sample without labels was given for training/evaluation");
                }
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Evaluation of one split: loss (normalised units), metrics and values in original units. */
    public record Evaluation(double loss, double[] mae, double[] rmse, double[] r2, double[][] predicted,
                             double[][] truth) {
    }

    // ---------------------------------------------------------------- the run

    /** Trains (or resumes) and writes everything under the output folder. */
    public TrainResult run() throws IOException {
        Backend backend = Backend.get();
        Files.createDirectories(out);
        Path ckDir = out.resolve(CHECKPOINT_DIR);
        Path lastFile = ckDir.resolve(LAST);
        Path bestFile = ckDir.resolve(BEST);
        List<String> targets = setup.targetNames();
        Losses.Kind lossKind = Losses.Kind.parse(config.lossFunc());
        LrSchedule schedule = LrSchedule.of(config.lrSchedule(), config.schParams());
        Batcher batcher = Batcher.of(config);
        int epochs = config.epochs();
        int swaStart = config.swaEpochs() > 0 ? Math.max(0, epochs - config.swaEpochs()) : Integer.MAX_VALUE;

        try (NDManager root = backend.newManager()) {
            backend.seed(config.seed());
            Block block = plugin.newBlock(setup);
            plugin.initialize(block, root, setup);
            Map<String, Parameter> named = plugin.namedParameters(block);
            List<String> freshParameters = List.of();
            if (initialWeights != null) {   // a resumed run overwrites them from its checkpoint
                if (onlyMatchingWeights) {
                    freshParameters = Weights.loadMatching(named, initialWeights);
                    if (!quiet) {
                        log.printf(Locale.ROOT, "started from %d of %d tensors of %s; initialised afresh: %s%n",
                                named.size() - freshParameters.size(), named.size(), initialWeights.source(),
                                freshParameters.isEmpty() ? "none" : String.join(", ", freshParameters));
                    }
                } else {
                    Weights.load(named, initialWeights, true);
                }
            }
            Map<String, NDArray> params = new LinkedHashMap<>();
            Map<String, NDArray> trainable = new LinkedHashMap<>();
            named.forEach((k, p) -> {
                params.put(k, p.getArray());
                if (p.requiresGradient()) {
                    trainable.put(k, p.getArray());
                }
            });
            ParameterStore ps = new ParameterStore(root, false);
            ModelPlugin.TrainingState modelState = plugin.newTrainingState(setup);
            Run run = new Run(root, block, ps, trainable, batcher, lossKind, modelState);
            try (Adam opt = new Adam(config.optimizer().equals("adamw"), config.beta1(), config.beta2(),
                    config.eps(), config.amsgrad(), Adam.groupsByPattern(trainable.keySet(),
                    config.nodecayPattern(), config.nodecayWeightDecay(), config.weightDecay()), root);
                 SwaAverage swa = new SwaAverage(root)) {
                State st = new State();
                if (resume && Files.exists(lastFile)) {
                    st = restore(lastFile, bestFile, named, opt, swa, modelState);
                    // a kill between writing metrics.csv and the checkpoint may have left a row too many
                    EpochMetrics.writeCsv(out.resolve("metrics.csv"), targets, st.history);
                    if (!quiet) {
                        log.printf(Locale.ROOT, "resuming after epoch %d of %d%n", st.epochsDone, epochs);
                    }
                }
                st.freshParameters = freshParameters;
                int until = stopAfterEpochs > 0 ? Math.min(epochs, st.epochsDone + stopAfterEpochs) : epochs;
                for (int epoch = st.epochsDone; epoch < until && !st.stopped; epoch++) {
                    backend.seed(config.seed() + 1_000_003L * (epoch + 1));
                    boolean swaPhase = epoch >= swaStart;
                    List<int[]> batches = batcher.trainingBatches(train, epoch);
                    RegressionMetrics tm = new RegressionMetrics(setup.normalisation());
                    double lossSum = 0;
                    long seen = 0;
                    double lr = config.lr();
                    long t0 = System.nanoTime();
                    try (ProgressBar bar = progressBar(epoch, epochs, batches.size())) {
                        for (int[] idx : batches) {
                            lr = config.lr() * schedule.factor(st.schedSteps, Math.min(epoch, swaStart));
                            double loss = run.trainStep(pick(train, idx), opt, lr, config, tm);
                            lossSum += loss * idx.length;
                            seen += idx.length;
                            if (swaPhase) {
                                swa.update(params);
                            } else {
                                st.schedSteps++;
                            }
                            if (bar != null) {
                                double secs = (System.nanoTime() - t0) / 1e9;
                                bar.step();
                                bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4g MAE %.4g %.0f/s",
                                        lossSum / seen, tm.mae()[0], seen / Math.max(secs, 1e-9)));
                            }
                        }
                    }
                    double secs = (System.nanoTime() - t0) / 1e9;
                    double trainLoss = lossSum / Math.max(seen, 1);
                    double valLoss = Double.NaN;
                    double[] valMae = new double[targets.size()];
                    java.util.Arrays.fill(valMae, Double.NaN);
                    if (!validation.isEmpty()) {
                        Evaluation ev = run.evaluate(validation, modelState);
                        valLoss = ev.loss();
                        valMae = ev.mae();
                    }
                    if (modelState != null) {
                        modelState.endEpoch(epoch + 1);   // e.g. PET's sliding loss scales, for the next epoch
                    }
                    EpochMetrics row = new EpochMetrics(epoch + 1, trainLoss, seen > 0 ? tm.mae()
                            : new double[targets.size()], valLoss, valMae, lr, secs, seen / Math.max(secs, 1e-9));
                    st.history.add(row);
                    double monitored = validation.isEmpty() ? trainLoss : valLoss;
                    if (monitored < st.best) {
                        st.best = monitored;
                        st.bestEpoch = epoch + 1;
                        st.badEpochs = 0;
                        Safetensors.write(bestFile, Weights.save(named, Map.of()));
                    } else {
                        st.badEpochs++;
                        if (config.patience() > 0 && st.badEpochs >= config.patience()) {
                            st.stopped = true;
                        }
                    }
                    st.epochsDone = epoch + 1;
                    EpochMetrics.writeCsv(out.resolve("metrics.csv"), targets, st.history);
                    writeCheckpoint(lastFile, st, named, opt, swa, modelState);
                    if (!quiet) {
                        log.println(describe(row, targets));
                    }
                }
                boolean completed = st.stopped || st.epochsDone >= epochs;
                if (!completed) {
                    return new TrainResult(false, st.epochsDone, st.bestEpoch, st.history, Map.of(), null, null,
                            false);
                }
                return finish(run, st, swa, bestFile, named, targets);
            }
        }
    }

    private TrainResult finish(Run run, State st, SwaAverage swa, Path bestFile, Map<String, Parameter> named,
                               List<String> targets) throws IOException {
        Map<String, Double> metrics = new LinkedHashMap<>();
        boolean usedSwa = swa.count() > 0;
        NamedTensors best = Safetensors.read(bestFile);
        Evaluation finalVal = null;
        Evaluation finalTest = null;
        if (usedSwa) {
            Weights.load(named, swa.weights(), true);
            finalVal = evalInto(run, validation, "swa_val_", metrics, targets);
            finalTest = evalInto(run, test, "swa_test_", metrics, targets);
        }
        Weights.load(named, best, true);
        Evaluation bestVal = evalInto(run, validation, "best_val_", metrics, targets);
        Evaluation bestTest = evalInto(run, test, "best_test_", metrics, targets);
        if (!usedSwa) {
            finalVal = bestVal;
            finalTest = bestTest;
        } else {
            Weights.load(named, swa.weights(), true);
        }
        Map<String, Double> finalMetrics = new LinkedHashMap<>();
        String prefix = usedSwa ? "swa_" : "best_";
        metrics.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                finalMetrics.put(k.substring(prefix.length()), v);
            }
        });
        metrics.putAll(finalMetrics);
        metrics.put("best_epoch", (double) st.bestEpoch);
        metrics.put("epochs", (double) st.epochsDone);

        NamedTensors finalWeights = Weights.save(named, Map.of());
        Path modelFile = out.resolve("model" + ModelFile.EXTENSION);
        writeModel(modelFile, finalWeights, metrics, usedSwa ? "swa" : "best", st);
        if (usedSwa) {
            writeModel(out.resolve("best" + ModelFile.EXTENSION), best, metrics, "best", st);
        }
        if (config.plots()) {
            Plots.learningCurves(out.resolve("learning_curves.png"), st.history);
            Plots.maeCurves(out, st.history, targets);
            parityPlots("val", finalVal, targets);
            parityPlots("test", finalTest, targets);
        }
        if (!quiet) {
            log.println("finished: " + metrics.entrySet().stream().filter(e -> !e.getKey().contains("_val_")
                    && !e.getKey().contains("_test_")).map(e -> e.getKey() + "=" + fmt(e.getValue())).toList());
        }
        return new TrainResult(true, st.epochsDone, st.bestEpoch, st.history, metrics, modelFile, finalWeights,
                usedSwa);
    }

    private Evaluation evalInto(Run run, List<? extends Sample> split, String prefix, Map<String, Double> metrics,
                                List<String> targets) {
        if (split.isEmpty()) {
            return null;
        }
        Evaluation e = run.evaluate(split);
        metrics.put(prefix + "loss", e.loss());
        for (int t = 0; t < targets.size(); t++) {
            metrics.put(prefix + "mae_" + targets.get(t), e.mae()[t]);
            metrics.put(prefix + "rmse_" + targets.get(t), e.rmse()[t]);
            metrics.put(prefix + "r2_" + targets.get(t), e.r2()[t]);
        }
        return e;
    }

    private void parityPlots(String split, Evaluation e, List<String> targets) throws IOException {
        if (e == null) {
            return;
        }
        for (int t = 0; t < targets.size(); t++) {
            double[] x = new double[e.truth().length];
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = e.truth()[i][t];
                y[i] = e.predicted()[i][t];
            }
            Plots.parity(out.resolve("parity_" + split + "_" + targets.get(t) + ".png"),
                    targets.get(t) + " (" + split + ")", x, y, setup.normalisation().targets().get(t).unit());
        }
    }

    private void writeModel(Path file, NamedTensors weights, Map<String, Double> metrics, String which, State st)
            throws IOException {
        ObjectNode extra = provenance.extra();
        extra.put("weights", which);
        extra.put("epochs", st.epochsDone);
        extra.put("bestEpoch", st.bestEpoch);
        extra.put("trainingSize", train.size());
        extra.put("validationSize", validation.size());
        extra.put("testSize", test.size());
        double secs = st.history.stream().mapToDouble(EpochMetrics::seconds).sum();
        extra.put("trainingSeconds", secs);
        extra.set("trainConfig", config.toJson());
        if (initialWeights != null) {
            ObjectNode init = extra.putObject("initialWeights");
            init.put("onlyMatching", onlyMatchingWeights);
            ArrayNode fresh = init.putArray("freshParameters");
            st.freshParameters.forEach(fresh::add);
        }
        String commit = gitCommit != null ? gitCommit : detectGitCommit();
        Provenance p = new Provenance(provenance.dataset(), provenance.split(), config.seed(), commit, metrics,
                Instant.now(), provenance.xtal4jVersion() == null ? Provenance.xtal4jVersionOfThisBuild()
                : provenance.xtal4jVersion(), provenance.commandLine(), extra);
        new ModelFile(plugin.name(), setup.config().toJson(), weights, setup.normalisation(), setup.elements(), p)
                .write(file);
    }

    /** HEAD of the git repository in the working directory, or null. */
    static String detectGitCommit() {
        try {
            Process pr = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            if (!pr.waitFor(5, TimeUnit.SECONDS)) {
                pr.destroyForcibly();
                return null;
            }
            String s = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return pr.exitValue() == 0 && s.matches("[0-9a-f]{40}") ? s : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private ProgressBar progressBar(int epoch, int epochs, int steps) {
        boolean on = progress != null ? progress : !quiet && System.console() != null;
        if (!on) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, epochs))
                .setInitialMax(steps).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).build();
    }

    private static String describe(EpochMetrics r, List<String> targets) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d: train loss %s", r.epoch(),
                fmt(r.trainLoss())));
        for (int t = 0; t < targets.size(); t++) {
            sb.append(", val MAE ").append(targets.get(t)).append(' ').append(fmt(r.valMae()[t]));
        }
        sb.append(String.format(Locale.ROOT, ", lr %.3g, %.1f s, %.0f structures/s", r.lr(), r.seconds(),
                r.structuresPerSecond()));
        return sb.toString();
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.5g", d);
    }

    private static List<Sample> pick(List<? extends Sample> samples, int[] idx) {
        List<Sample> out = new ArrayList<>(idx.length);
        for (int i : idx) {
            out.add(samples.get(i));
        }
        return out;
    }

    // ---------------------------------------------------------------- steps

    /** The pieces of one training run that the step and the evaluation share. */
    private final class Run {
        private final Block block;
        private final ParameterStore ps;
        private final Map<String, NDArray> trainable;
        private final Batcher batcher;
        private final Losses.Kind lossKind;
        private final NDManager root;
        private final ModelPlugin.TrainingState modelState;
        private final Backend backend = Backend.get();

        Run(NDManager root, Block block, ParameterStore ps, Map<String, NDArray> trainable, Batcher batcher,
            Losses.Kind lossKind, ModelPlugin.TrainingState modelState) {
            this.root = root;
            this.modelState = modelState;
            this.block = block;
            this.ps = ps;
            this.trainable = trainable;
            this.batcher = batcher;
            this.lossKind = lossKind;
        }

        private NDArray loss(NDList outputs, Batch batch, boolean training) {
            if (lossKind == Losses.Kind.MODEL) {
                return training && modelState != null ? plugin.loss(outputs, batch, setup, modelState)
                        : plugin.loss(outputs, batch, setup);
            }
            return Losses.of(lossKind, outputs.get(ModelPlugin.OUTPUT_PREDICTION), batch.labels().get(0));
        }

        /** One optimiser step on a batch; returns the batch loss and adds the batch to {@code metrics}. */
        double trainStep(List<Sample> samples, Adam opt, double lr, TrainConfig c, RegressionMetrics metrics) {
            try (NDManager sm = root.newSubManager()) {
                backend.ensureFlushDenormal();
                double lossValue;
                try (NDScope scope = new NDScope()) {
                    Autograd.zeroGrad(trainable.values());
                    Batch batch = plugin.collate(samples, sm, setup);
                    try (GradientCollector gc = backend.engine().newGradientCollector()) {
                        NDList outputs = plugin.forward(block, ps, batch, true, false, setup);
                        NDArray loss = loss(outputs, batch, true);
                        if (plugin.needsInputGradients()) {
                            Autograd.backward(loss);
                        } else {
                            gc.backward(loss);
                        }
                        lossValue = loss.toType(DataType.FLOAT64, false).getDouble();
                        addMetrics(metrics, outputs, batch);
                    }
                    if (plugin.needsInputGradients()) {
                        Autograd.detachGrads(trainable.values());
                        Autograd.detachGrads(batch.inputs().stream().filter(NDArray::hasGradient).toList());
                    }
                }
                Map<String, NDArray> grads = new LinkedHashMap<>();
                try {
                    for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                        PtNDArray g = JniUtils.getGradient((PtNDArray) e.getValue());
                        if (g != null) {
                            grads.put(e.getKey(), g);
                        }
                    }
                    if (c.clipValue() > 0) {
                        GradClip.clipValue(grads.values(), c.clipValue());
                    }
                    if (c.clipNorm() > 0) {
                        GradClip.clipNorm(grads.values(), c.clipNorm());
                    }
                    opt.step(trainable, grads, lr);
                } finally {
                    grads.values().forEach(NDArray::close);
                }
                return lossValue;
            }
        }

        private void addMetrics(RegressionMetrics metrics, NDList outputs, Batch batch) {
            if (batch.labels().isEmpty()) {
                throw new IllegalStateException("the plugin's batch has no labels");
            }
            double[] p = outputs.get(ModelPlugin.OUTPUT_PREDICTION).toType(DataType.FLOAT64, false).toDoubleArray();
            double[] y = batch.labels().get(0).toType(DataType.FLOAT64, false).toDoubleArray();
            metrics.add(p, y);
        }

        /** Loss and metrics over a split in evaluation mode (values in sample order). */
        Evaluation evaluate(List<? extends Sample> samples) {
            return evaluate(samples, null);
        }

        /** The same, showing every batch's outputs to {@code observer} when it is not null. */
        Evaluation evaluate(List<? extends Sample> samples, ModelPlugin.TrainingState observer) {
            RegressionMetrics m = new RegressionMetrics(setup.normalisation());
            int nt = setup.targetNames().size();
            double[][] pred = new double[samples.size()][nt];
            double[][] truth = new double[samples.size()][nt];
            double lossSum = 0;
            for (int[] idx : batcher.evaluationBatches(samples)) {
                try (NDManager sm = root.newSubManager();
                     NDScope scope = new NDScope()) {
                    backend.ensureFlushDenormal();
                    Batch batch = plugin.collate(pick(samples, idx), sm, setup);
                    NDList outputs;
                    NDArray loss;
                    if (plugin.needsInputGradients()) {
                        try (GradientCollector gc = backend.engine().newGradientCollector()) {
                            outputs = plugin.forward(block, ps, batch, false, false, setup);
                            loss = loss(outputs, batch, false);
                        }
                        Autograd.zeroGrad(trainable.values());
                        Autograd.detachGrads(trainable.values());
                        Autograd.detachGrads(batch.inputs().stream().filter(NDArray::hasGradient).toList());
                    } else {
                        outputs = plugin.forward(block, ps, batch, false, false, setup);
                        loss = loss(outputs, batch, false);
                    }
                    if (observer != null) {
                        observer.observeValidation(outputs, batch);
                    }
                    lossSum += loss.toType(DataType.FLOAT64, false).getDouble() * idx.length;
                    double[] p = outputs.get(ModelPlugin.OUTPUT_PREDICTION).toType(DataType.FLOAT64, false)
                            .toDoubleArray();
                    double[] y = batch.labels().get(0).toType(DataType.FLOAT64, false).toDoubleArray();
                    m.add(p, y);
                    for (int b = 0; b < idx.length; b++) {
                        for (int t = 0; t < nt; t++) {
                            var tg = setup.normalisation().targets().get(t);
                            pred[idx[b]][t] = tg.denormalise(p[b * nt + t]);
                            truth[idx[b]][t] = tg.denormalise(y[b * nt + t]);
                        }
                    }
                }
            }
            return new Evaluation(lossSum / samples.size(), m.mae(), m.rmse(), m.r2(), pred, truth);
        }
    }

    // ---------------------------------------------------------------- checkpoints

    /** Counters and history carried across epochs and through checkpoints. */
    private static final class State {
        int epochsDone;
        long schedSteps;
        double best = Double.POSITIVE_INFINITY;
        int bestEpoch;
        int badEpochs;
        boolean stopped;
        final List<EpochMetrics> history = new ArrayList<>();
        /** Parameters that kept their fresh initialisation under {@link Builder#initialWeights(NamedTensors, boolean)}. */
        List<String> freshParameters = List.of();
    }

    private void writeCheckpoint(Path file, State st, Map<String, Parameter> named, Adam opt, SwaAverage swa,
                                 ModelPlugin.TrainingState modelState) throws IOException {
        Map<String, HostTensor> t = new LinkedHashMap<>();
        Weights.save(named, Map.of()).tensors().forEach((k, v) -> t.put("param." + k, v));
        Adam.State os = opt.saveState();
        os.tensors().forEach((k, v) -> t.put("opt." + k, v));
        if (swa.count() > 0) {
            swa.weights().tensors().forEach((k, v) -> t.put("swa." + k, v));
        }
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("version", 1);
        s.put("model", plugin.name());
        s.put("epochsDone", st.epochsDone);
        s.put("schedulerSteps", st.schedSteps);
        if (Double.isFinite(st.best)) {
            s.put("best", st.best);
        }
        s.put("bestEpoch", st.bestEpoch);
        s.put("badEpochs", st.badEpochs);
        s.put("stopped", st.stopped);
        s.put("swaCount", swa.count());
        ObjectNode steps = s.putObject("optimizerSteps");
        os.steps().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> steps.put(e.getKey(),
                e.getValue()));
        s.set("config", config.toJson());
        ArrayNode h = s.putArray("history");
        st.history.forEach(r -> h.add(r.toJson()));
        if (modelState != null) {
            s.set("modelState", modelState.save());
        }
        Safetensors.write(file, new NamedTensors(t, Map.of(STATE_KEY, JSON.writeValueAsString(s)), null));
    }

    private State restore(Path lastFile, Path bestFile, Map<String, Parameter> named, Adam opt, SwaAverage swa,
                          ModelPlugin.TrainingState modelState) throws IOException {
        NamedTensors ck = Safetensors.read(lastFile);
        String json = ck.metadata().get(STATE_KEY);
        if (json == null) {
            throw new IOException(lastFile + ": not an xtal4j training checkpoint");
        }
        JsonNode s = JSON.readTree(json);
        if (!plugin.name().equals(s.path("model").asText())) {
            // the user's input, not a bug: an IllegalArgumentException is reported as a plain message
            throw new IllegalArgumentException(lastFile + ": checkpoint of a '" + s.path("model").asText()
                    + "' model, not '" + plugin.name() + "'");
        }
        TrainConfig saved = TrainConfig.fromJson(s.get("config"));
        if (!saved.equals(config)) {
            List<String> diff = new ArrayList<>();
            ObjectNode a = saved.toJson();
            ObjectNode b = config.toJson();
            a.fieldNames().forEachRemaining(k -> {
                if (!a.get(k).equals(b.get(k))) {
                    diff.add(k + ": " + a.get(k) + " -> " + b.get(k));
                }
            });
            throw new IllegalArgumentException(lastFile + ": the checkpoint was written with another training"
                    + " configuration (" + String.join(", ", diff) + "); start in a new folder or restore it");
        }
        Map<String, HostTensor> p = new LinkedHashMap<>();
        Map<String, HostTensor> o = new LinkedHashMap<>();
        Map<String, HostTensor> w = new LinkedHashMap<>();
        ck.tensors().forEach((k, v) -> {
            if (k.startsWith("param.")) {
                p.put(k.substring(6), v);
            } else if (k.startsWith("opt.")) {
                o.put(k.substring(4), v);
            } else if (k.startsWith("swa.")) {
                w.put(k.substring(4), v);
            }
        });
        Weights.load(named, new NamedTensors(p, Map.of(), lastFile.toString()), true);
        Map<String, Long> steps = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = s.path("optimizerSteps").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            steps.put(e.getKey(), e.getValue().asLong());
        }
        opt.loadState(new Adam.State(o, steps));
        long swaCount = s.path("swaCount").asLong();
        if (swaCount > 0) {
            swa.load(new NamedTensors(w, Map.of(), lastFile.toString()), swaCount);
        }
        if (modelState != null && s.has("modelState")) {
            modelState.restore(s.get("modelState"));
        }
        State st = new State();
        st.epochsDone = s.get("epochsDone").asInt();
        st.schedSteps = s.get("schedulerSteps").asLong();
        st.best = s.has("best") ? s.get("best").asDouble() : Double.POSITIVE_INFINITY;
        st.bestEpoch = s.get("bestEpoch").asInt();
        st.badEpochs = s.get("badEpochs").asInt();
        st.stopped = s.get("stopped").asBoolean();
        s.get("history").forEach(r -> st.history.add(EpochMetrics.fromJson(r)));
        if (st.bestEpoch > 0 && !Files.exists(bestFile)) {
            throw new IOException(bestFile + " is missing; cannot resume");
        }
        return st;
    }

    // ---------------------------------------------------------------- builder

    public static final class Builder {
        private ModelPlugin plugin;
        private ModelSetup setup;
        private TrainConfig config = TrainConfig.defaultConfig();
        private List<? extends Sample> train;
        private List<? extends Sample> validation = List.of();
        private List<? extends Sample> test = List.of();
        private Path out;
        private Provenance provenance;
        private boolean resume;
        private int stopAfterEpochs;
        private boolean quiet;
        private PrintStream log;
        private String gitCommit;
        private Boolean progress;
        private NamedTensors initialWeights;
        private boolean onlyMatchingWeights;

        public Builder plugin(ModelPlugin p) {
            this.plugin = p;
            return this;
        }

        /** The setup (its normalisation must be the one the samples were prepared with). */
        public Builder setup(ModelSetup s) {
            this.setup = s;
            return this;
        }

        public Builder config(TrainConfig c) {
            this.config = c;
            return this;
        }

        public Builder train(List<? extends Sample> s) {
            this.train = s;
            return this;
        }

        public Builder validation(List<? extends Sample> s) {
            this.validation = s == null ? List.of() : s;
            return this;
        }

        public Builder test(List<? extends Sample> s) {
            this.test = s == null ? List.of() : s;
            return this;
        }

        /** Output folder (metrics.csv, checkpoint/, model.xtal, plots). */
        public Builder output(Path dir) {
            this.out = dir;
            return this;
        }

        /** Data set, split and command line for the model file (seed, commit, metrics are filled in). */
        public Builder provenance(Provenance p) {
            this.provenance = p;
            return this;
        }

        /** Continue from OUT/checkpoint/last.safetensors when it exists (the configuration must match). */
        public Builder resume(boolean r) {
            this.resume = r;
            return this;
        }

        /** Stop after this many epochs in this invocation (0 = no limit); resume later to go on. */
        public Builder stopAfterEpochs(int n) {
            this.stopAfterEpochs = n;
            return this;
        }

        /** No progress bar and no per-epoch lines. */
        public Builder quiet(boolean q) {
            this.quiet = q;
            return this;
        }

        /** Progress bar on standard error: null (default) = only on a terminal and when not quiet. */
        public Builder progress(Boolean p) {
            this.progress = p;
            return this;
        }

        /** Where per-epoch lines go (standard error by default). */
        public Builder log(PrintStream p) {
            this.log = p;
            return this;
        }

        /** Git commit for the provenance (detected with {@code git rev-parse HEAD} when not given). */
        public Builder gitCommit(String c) {
            this.gitCommit = c;
            return this;
        }

        /**
         * Start from these weights instead of a fresh initialisation (fine-tuning, or training a model longer);
         * every parameter must be present with its shape. The optimiser state and the schedule start afresh.
         */
        public Builder initialWeights(NamedTensors w) {
            return initialWeights(w, false);
        }

        /**
         * With {@code onlyMatching}, transfer learning: take the tensors whose name and shape fit and keep the
         * fresh initialisation of the others (listed in the log and the model's provenance).
         */
        public Builder initialWeights(NamedTensors w, boolean onlyMatching) {
            this.initialWeights = w;
            this.onlyMatchingWeights = onlyMatching;
            return this;
        }

        public Trainer build() {
            return new Trainer(this);
        }
    }
}
