package org.xtal4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelRegistry;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.nn.perf.StepRunner;
import org.xtal4j.nn.train.TrainConfig;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Structure;

/**
 * The default 4-block Crystalformer on a fixed batch of perov_5-like 5-atom cubic cells: one training step
 * (collate with geometry, forward, backward, Adam: {@link StepRunner#train}) and one inference batch
 * ({@link StepRunner#infer}). The before/after measure of the periodic-sum kernel; time per operation is per
 * batch, so structures/s = batch / time.
 *
 * <p>Run: {@code java -jar xtal-bench/target/benchmarks.jar CrystalformerStepBenchmark -wi 2 -i 3 -f 1
 * -p threads=2}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class CrystalformerStepBenchmark {

    @State(Scope.Benchmark)
    public static class Model {
        @Param({"32"})
        public int batch;

        /** Intra-op threads (0: all cores). */
        @Param({"0"})
        public int threads;

        StepRunner runner;
        List<Sample> samples;

        @Setup(Level.Trial)
        public void setUp() {
            Backend.initialise(new Backend.Options(Precision.FLOAT32, threads));
            ModelPlugin plugin = ModelRegistry.find("crystalformer").orElseThrow();
            List<String> elements = new ArrayList<>();
            for (int z = 1; z <= 98; z++) {
                elements.add(Element.of(z).symbol());
            }
            ModelSetup setup = new ModelSetup(plugin.defaultConfig(), Normalisation.identity(List.of("y")),
                    elements, Precision.FLOAT32);
            samples = new ArrayList<>();
            for (Structure s : PerovskiteBatch.cells(batch, 5)) {
                samples.add(plugin.prepare(s, setup));
            }
            runner = new StepRunner(plugin, setup, TrainConfig.defaultConfig());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            runner.close();
        }
    }

    @Benchmark
    public double trainStep(Model m) {
        return m.runner.train(m.samples);
    }

    @Benchmark
    public double[] inferBatch(Model m) {
        return m.runner.infer(m.samples);
    }
}
