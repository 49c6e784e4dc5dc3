package org.xtal4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code xtal bench} in-process with a one-layer, 16-wide Crystalformer on two-atom cells. */
class BenchCommandTest {

    private static final String[] TINY = {"--set", "num_layers=1", "--set", "model_dim=16", "--set", "head_num=2",
        "--set", "ff_dim=16", "--set", "embedding_dim=8", "--set", "value_pe_dist_real=8", "--threads", "1",
        "--matmul-size", "128", "--matmul-seconds", "0.1"};

    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void data() throws IOException {
        data = TinyCrystals.csv(dir.resolve("tiny.csv"), 18, 3);
    }

    private static Cli.Result bench(String... args) {
        List<String> all = new ArrayList<>(List.of("bench"));
        all.addAll(List.of(TINY));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    @Test
    void throughputJsonHasTheKeysAndSaneValues() throws IOException {
        Path json = dir.resolve("bench.json");
        Cli.Result r = bench("--data", data.toString(), "--target", "y", "--split-column", "split", "--batch", "4",
                "--steps", "2", "--warmup", "1", "--json", json.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).contains("training", "inference", "structures/s", "geometry+collate", "backward",
                "GFLOP/s");
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("model").asText()).isEqualTo("crystalformer");
        assertThat(j.get("steps").asInt()).isEqualTo(2);
        assertThat(j.get("structures_measured").asInt()).isEqualTo(8);     // 2 steps × batch 4
        assertThat(j.get("mean_atoms").asDouble()).isEqualTo(2.0);
        double train = j.get("train_structures_per_s").asDouble();
        double infer = j.get("infer_structures_per_s").asDouble();
        double msStep = j.get("train_ms_per_step").asDouble();
        assertThat(train).isPositive().isFinite();
        assertThat(infer).isPositive().isFinite();
        assertThat(4 * 1000 / msStep).isCloseTo(train, org.assertj.core.api.Assertions.within(train * 1e-9));
        long peak = j.get("peak_memory_bytes").asLong();
        assertThat(peak).isGreaterThan(16L << 20).isLessThan(64L << 30);
        assertThat(peak).isGreaterThanOrEqualTo(j.get("peak_heap_bytes").asLong());
        // the own stages partition the step: each positive, together not more than the step
        double sum = 0;
        for (String s : List.of("geometry+collate", "forward", "backward", "optimiser")) {
            double ms = j.get("stages").get(s).asDouble();
            assertThat(ms).as(s).isPositive();
            sum += ms;
        }
        assertThat(sum).isLessThanOrEqualTo(msStep * 1.0001);
        assertThat(j.get("infer_stages").has("backward")).isFalse();
        double mm = j.get("gflops_matmul").asDouble();
        assertThat(mm).isGreaterThan(0.1).isLessThan(1e5);
        assertThat(j.get("model_forward_flops_per_structure").asDouble()).isPositive();
        double model = j.get("model_gflops").asDouble();
        assertThat(j.get("fraction").asDouble()).isCloseTo(model / mm,
                org.assertj.core.api.Assertions.within(1e-12)).isPositive().isLessThan(1.0);
    }

    @Test
    void scalingOverAtomsWritesCsvAndPlot() throws IOException {
        Path out = dir.resolve("scaling");
        Cli.Result r = bench("--scaling", "atoms", "--sizes", "1,2,4", "--batch", "2", "--steps", "1", "--warmup",
                "0", "--out", out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        List<String> lines = Files.readAllLines(out.resolve("scaling_atoms.csv"));
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("atoms,batch,mean_atoms,train_ms_per_structure");
        double previousFlops = 0;
        for (int i = 1; i < 4; i++) {
            String[] f = lines.get(i).split(",", -1);
            assertThat(Integer.parseInt(f[0])).isEqualTo(List.of(1, 2, 4).get(i - 1));
            assertThat(Double.parseDouble(f[2])).isEqualTo(Double.parseDouble(f[0]));   // supercell has N atoms
            assertThat(Double.parseDouble(f[3])).isPositive();
            assertThat(Double.parseDouble(f[4])).isPositive();
            double flops = Double.parseDouble(f[7]);
            assertThat(flops).isGreaterThan(previousFlops);
            previousFlops = flops;
            assertThat(f[9]).isEmpty();
        }
        assertThat(Files.size(out.resolve("scaling_atoms.png"))).isGreaterThan(1000);
    }

    @Test
    void usageErrors() {
        assertThat(bench("--scaling", "atoms").status()).isEqualTo(Xtal.USAGE);            // no --out
        assertThat(bench("--target", "y").status()).isEqualTo(Xtal.USAGE);                 // no --data
        assertThat(bench("--data", data.toString(), "--target", "y", "--steps", "0").status())
                .isEqualTo(Xtal.USAGE);
        assertThat(bench("--scaling", "sideways", "--out", dir.resolve("x").toString()).status())
                .isEqualTo(Xtal.USAGE);
    }
}
