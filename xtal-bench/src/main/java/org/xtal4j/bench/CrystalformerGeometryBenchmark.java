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
import org.openjdk.jmh.annotations.Warmup;
import org.xtal4j.models.crystalformer.CrystalformerConfig;
import org.xtal4j.models.crystalformer.CrystalformerGeometry;
import org.xtal4j.structure.Structure;

/**
 * {@link CrystalformerGeometry#of} (translation boxes, squared distances, radial basis; plain Java) for the
 * default configuration on a batch of perov_5-like cubic cells, the host-side part of every step.
 *
 * <p>Run: {@code java -jar xtal-bench/target/benchmarks.jar CrystalformerGeometryBenchmark -wi 2 -i 3 -f 1}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class CrystalformerGeometryBenchmark {

    @State(Scope.Benchmark)
    public static class Cells {
        @Param({"32"})
        public int batch;

        CrystalformerConfig config;
        List<double[][]> lattices;
        List<double[][]> positions;

        @Setup(Level.Trial)
        public void setUp() {
            config = CrystalformerConfig.builder().build();
            lattices = new ArrayList<>();
            positions = new ArrayList<>();
            for (Structure s : PerovskiteBatch.cells(batch, 5)) {
                lattices.add(s.lattice().matrix());
                positions.add(s.cartesianCoordinates());
            }
        }
    }

    @Benchmark
    public CrystalformerGeometry geometry(Cells c) {
        return CrystalformerGeometry.of(c.config, c.lattices, c.positions);
    }
}
