package org.xtal4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.xtal4j.data.Dataset;
import org.xtal4j.data.DatasetLoader;
import org.xtal4j.data.LoadOptions;
import org.xtal4j.data.Record;

/**
 * Data-set parse throughput: read a CSV.xz of CIF strings and parse every structure, on 1 thread
 * and on all processors.
 *
 * <p>JMH (one pass over perov_5/val, 3,787 structures, per operation):
 * {@code java -jar xtal-bench/target/benchmarks.jar DatasetParseBenchmark -Dxtal.shared=../shared}.
 * <br>Full pool once per thread count (mp_cgcnn_36k, 34,499 structures), reporting structures/s:
 * {@code java -cp xtal-bench/target/benchmarks.jar org.xtal4j.bench.DatasetParseBenchmark [shared dir] [file]}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class DatasetParseBenchmark {

    @Param({"1", "2"})
    public int threads;

    @Param({"data/perov_5/val.csv.xz"})
    public String file;

    private Dataset dataset;

    @Setup
    public void open() {
        dataset = DatasetLoader.load(shared().resolve(file), LoadOptions.defaults().parallelism(threads));
    }

    /** Parses every structure; returns the site count so nothing is optimised away. */
    @Benchmark
    public long parseAll() {
        return countSites(dataset);
    }

    private static long countSites(Dataset d) {
        long sites = 0;
        for (Record r : d) {
            sites += r.structure().size();
        }
        return sites;
    }

    private static Path shared() {
        String p = System.getProperty("xtal.shared", System.getenv().getOrDefault("XTAL_SHARED", "../shared"));
        Path root = Path.of(p);
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("shared data not found at " + root.toAbsolutePath()
                    + "; set -Dxtal.shared=PATH");
        }
        return root;
    }

    /** One timed pass over the full file with 1 thread, then with every processor, in the same JVM. */
    public static void main(String[] args) {
        Path root = args.length > 0 ? Path.of(args[0]) : shared();
        Path path = root.resolve(args.length > 1 ? args[1] : "data/mp_cgcnn_36k/mp_cgcnn_36k_pool.csv.xz");
        int cpus = Dataset.defaultParallelism();
        // a short warm-up pass so the first timed run does not pay for JIT compilation alone
        Dataset warm = DatasetLoader.load(path, LoadOptions.defaults().parallelism(cpus)).filter(r -> r.row() <= 3000);
        countSites(warm);
        // reading alone (decompression + CSV, no structure parsing): the floor under the parse times
        long r0 = System.nanoTime();
        int rows = DatasetLoader.load(path).size();
        double rs = (System.nanoTime() - r0) / 1e9;
        System.out.printf(Locale.ROOT, "%s: reading %d rows without parsing: %.2f s = %.0f rows/s%n",
                path.getFileName(), rows, rs, rows / rs);
        for (int threads : cpus > 1 ? new int[] {1, cpus} : new int[] {1}) {
            Dataset d = DatasetLoader.load(path, LoadOptions.defaults().parallelism(threads));
            long t0 = System.nanoTime();
            long sites = countSites(d);
            double s = (System.nanoTime() - t0) / 1e9;
            int n = d.size();
            System.out.printf(Locale.ROOT, "%s: %d threads: %d records (%d failed), %d sites in %.2f s = %.0f structures/s%n",
                    path.getFileName(), threads, n, d.errors().size(), sites, s, n / s);
        }
    }
}
