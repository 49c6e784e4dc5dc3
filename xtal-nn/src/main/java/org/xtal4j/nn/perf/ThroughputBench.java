package org.xtal4j.nn.perf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.ToDoubleFunction;
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.nn.train.Batcher;
import org.xtal4j.nn.train.TrainConfig;

/**
 * Times a model's training step and inference the way the {@code Trainer} runs them (same batching by atom
 * count, loss, clipping and Adam of the {@link TrainConfig}): {@code warmup} steps, then {@code steps}
 * measured ones, first training and then inference (evaluation mode, batches drawn as for training) with the
 * weights reached. During the measured steps {@link StageTimes} is on; {@link StepRunner} adds its own stages
 * ({@link #OWN_STAGES}), which partition the step; the stages a model reports itself ("periodic sums",
 * "attention", ...) run inside forward or backward.
 */
public final class ThroughputBench {

    /** The stages {@link StepRunner} measures (the step's partition), in step order. */
    public static final List<String> OWN_STAGES = List.of(StepRunner.COLLATE, StepRunner.FORWARD,
            StepRunner.BACKWARD, StepRunner.OPTIMISER);

    /** Epoch numbers of the inference batches' random stream (distinct from the training epochs). */
    private static final int INFERENCE_EPOCHS = 1 << 20;

    private final ModelPlugin plugin;
    private final ModelSetup setup;
    private final TrainConfig config;
    private final List<? extends Sample> samples;
    private final int warmup;
    private final int steps;
    private final ToDoubleFunction<Sample> flops;
    private final java.util.function.Consumer<String> log;

    private ThroughputBench(Builder b) {
        this.plugin = Objects.requireNonNull(b.plugin, "plugin");
        this.setup = Objects.requireNonNull(b.setup, "setup");
        this.config = Objects.requireNonNull(b.config, "config");
        this.samples = List.copyOf(Objects.requireNonNull(b.samples, "samples"));
        this.warmup = b.warmup;
        this.steps = b.steps;
        this.flops = b.flops;
        this.log = b.log;
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples to benchmark");
        }
        if (warmup < 0 || steps < 1) {
            throw new IllegalArgumentException("warm-up must be >= 0 and steps >= 1");
        }
        if (samples.stream().anyMatch(s -> !s.hasLabels())) {
            throw new IllegalArgumentException("training needs labelled samples");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The measured steps of one phase.
     *
     * @param steps        measured steps (batches)
     * @param structures   structures in them
     * @param atoms        atoms in them
     * @param seconds      wall-clock time of the measured steps
     * @param stageMs      milliseconds per step by stage (own stages and the model's), sorted by name
     * @param forwardFlops forward FLOPs of the measured structures by the model's FLOP model (NaN: none)
     */
    public record Phase(int steps, long structures, long atoms, double seconds, Map<String, Double> stageMs,
                        double forwardFlops) {

        public double structuresPerSecond() {
            return structures / seconds;
        }

        public double msPerStep() {
            return 1e3 * seconds / steps;
        }

        public double meanAtoms() {
            return (double) atoms / structures;
        }
    }

    /**
     * A benchmark's result.
     *
     * @param train          training steps
     * @param inference      inference batches
     * @param heapPeak       peak JVM heap bytes over the whole benchmark (pool peaks; they were reset at its start)
     * @param rssPeak        peak resident set of the process since it started (VmHWM), empty without /proc
     * @param rssFirstStep   resident set after the first measured training step (0 without /proc)
     * @param rssLastStep    resident set after the last measured training step (0 without /proc)
     */
    public record Result(Phase train, Phase inference, long heapPeak, OptionalLong rssPeak, long rssFirstStep,
                         long rssLastStep) {

        /** Peak memory of the process: VmHWM where known (heap and native), otherwise the heap peak. */
        public long peakMemoryBytes() {
            return Math.max(heapPeak, rssPeak.orElse(0));
        }
    }

    /** Runs the training phase and then the inference phase. */
    public Result run() {
        boolean stagesWereOn = StageTimes.enabled();
        MemoryProbe.resetHeapPeak();
        Batcher batcher = Batcher.of(config);
        try (StepRunner runner = new StepRunner(plugin, setup, config)) {
            Phase train;
            long rssFirst = 0;
            long rssLast = 0;
            Cycle batches = new Cycle(epoch -> batcher.trainingBatches(samples, epoch));
            Meter meter = new Meter();
            for (int i = 0; i < warmup + steps; i++) {
                if (i == warmup) {
                    meter.start();
                }
                List<Sample> batch = pick(batches.next());
                long t = System.nanoTime();
                runner.train(batch);
                report("training", i, batch, t);
                if (i >= warmup) {
                    meter.count(batch);
                    long rss = MemoryProbe.rss().orElse(0);
                    rssFirst = i == warmup ? rss : rssFirst;
                    rssLast = rss;
                }
            }
            train = meter.stop();
            // evaluation order is sorted by size, so its first batches would be the smallest structures: draw
            // the inference batches like the training ones (bucketed, shuffled), from other epochs
            Cycle evalBatches = new Cycle(epoch -> batcher.trainingBatches(samples, INFERENCE_EPOCHS + epoch));
            meter = new Meter();
            for (int i = 0; i < warmup + steps; i++) {
                if (i == warmup) {
                    meter.start();
                }
                List<Sample> batch = pick(evalBatches.next());
                long t = System.nanoTime();
                runner.infer(batch);
                report("inference", i, batch, t);
                if (i >= warmup) {
                    meter.count(batch);
                }
            }
            Phase inference = meter.stop();
            return new Result(train, inference, MemoryProbe.heapPeak(), MemoryProbe.rssPeak(), rssFirst, rssLast);
        } finally {
            StageTimes.reset();
            StageTimes.enable(stagesWereOn);
        }
    }

    private void report(String phase, int i, List<Sample> batch, long since) {
        if (log != null) {
            log.accept(String.format(java.util.Locale.ROOT, "%s %s %d/%d: %d structures, %d atoms, %.0f ms",
                    phase, i < warmup ? "warm-up" : "step", i < warmup ? i + 1 : i - warmup + 1,
                    i < warmup ? warmup : steps, batch.size(), batch.stream().mapToInt(Sample::atomCount).sum(),
                    (System.nanoTime() - since) / 1e6));
        }
    }

    private List<Sample> pick(int[] idx) {
        List<Sample> out = new ArrayList<>(idx.length);
        for (int i : idx) {
            out.add(samples.get(i));
        }
        return out;
    }

    /** Batches of consecutive epochs, endlessly. */
    private static final class Cycle {
        private final java.util.function.IntFunction<List<int[]>> epochs;
        private List<int[]> current = List.of();
        private int epoch = -1;
        private int next;

        Cycle(java.util.function.IntFunction<List<int[]>> epochs) {
            this.epochs = epochs;
        }

        int[] next() {
            while (next >= current.size()) {
                current = epochs.apply(++epoch);
                next = 0;
                if (current.isEmpty()) {
                    throw new IllegalArgumentException("no batch: fewer samples than a batch with drop_last");
                }
            }
            return current.get(next++);
        }
    }

    /** Counts the measured steps of one phase and turns StageTimes into per-step milliseconds. */
    private final class Meter {
        private long t0;
        private int n;
        private long structures;
        private long atoms;
        private double flopSum;

        void start() {
            StageTimes.reset();
            StageTimes.enable(true);
            t0 = System.nanoTime();
        }

        void count(List<Sample> batch) {
            n++;
            structures += batch.size();
            for (Sample s : batch) {
                atoms += s.atomCount();
                flopSum += flops == null ? Double.NaN : flops.applyAsDouble(s);
            }
        }

        Phase stop() {
            double secs = (System.nanoTime() - t0) / 1e9;
            StageTimes.enable(false);
            Map<String, Double> ms = new LinkedHashMap<>();
            StageTimes.snapshot().forEach((k, v) -> ms.put(k, v / 1e6 / n));
            StageTimes.reset();
            return new Phase(n, structures, atoms, secs, ms, flopSum);
        }
    }

    public static final class Builder {
        private ModelPlugin plugin;
        private ModelSetup setup;
        private TrainConfig config = TrainConfig.defaultConfig();
        private List<? extends Sample> samples;
        private int warmup = 1;
        private int steps = 3;
        private ToDoubleFunction<Sample> flops;
        private java.util.function.Consumer<String> log;

        public Builder plugin(ModelPlugin p) {
            this.plugin = p;
            return this;
        }

        public Builder setup(ModelSetup s) {
            this.setup = s;
            return this;
        }

        /** Batch size, batching, seed, loss, clipping and optimiser (the schedule is not used: lr is fixed). */
        public Builder config(TrainConfig c) {
            this.config = c;
            return this;
        }

        /** Labelled, prepared samples; batches are drawn from them as the Trainer draws them. */
        public Builder samples(List<? extends Sample> s) {
            this.samples = s;
            return this;
        }

        /** Unmeasured steps before each phase (default 1). */
        public Builder warmup(int w) {
            this.warmup = w;
            return this;
        }

        /** Measured steps per phase (default 3). */
        public Builder steps(int n) {
            this.steps = n;
            return this;
        }

        /** Forward FLOPs of one sample (the model's FLOP model); null: none. Called for measured samples only. */
        public Builder flops(ToDoubleFunction<Sample> f) {
            this.flops = f;
            return this;
        }

        /** Receives one line per step (phase, step, structures, atoms, time); null: silent. */
        public Builder log(java.util.function.Consumer<String> l) {
            this.log = l;
            return this;
        }

        public ThroughputBench build() {
            return new ThroughputBench(this);
        }
    }
}
