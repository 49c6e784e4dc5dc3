package org.xtal4j.cli.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Map;
import org.xtal4j.nn.perf.MatmulProbe;
import org.xtal4j.nn.perf.ThroughputBench;

/**
 * What {@code xtal bench} reports: the run's settings, the {@link ThroughputBench.Result}, the matmul
 * yardstick and the model's FLOP rate, as a readable table and as JSON.
 *
 * @param model                 plugin name
 * @param data                  the data set (or a description of generated structures)
 * @param threads               intra-op threads
 * @param precision             float32 or float64
 * @param batch                 batch size
 * @param warmup                unmeasured steps per phase
 * @param prepareMsPerStructure the plugin's prepare per structure (once per structure, not per step)
 * @param result                the measurement
 * @param matmul                the achievable matmul rate, same process and thread count
 * @param trainingFlopFactor    training FLOPs per forward FLOP (forward + backward)
 */
public record BenchReport(String model, String data, int threads, String precision, int batch, int warmup,
                          double prepareMsPerStructure, ThroughputBench.Result result, MatmulProbe.Result matmul,
                          double trainingFlopFactor) {

    /** The model's training FLOP rate in GFLOP/s (NaN without a FLOP model). */
    public double trainGflops() {
        ThroughputBench.Phase p = result.train();
        return trainingFlopFactor * p.forwardFlops() / p.seconds() / 1e9;
    }

    /** The model's inference FLOP rate in GFLOP/s (NaN without a FLOP model). */
    public double inferGflops() {
        ThroughputBench.Phase p = result.inference();
        return p.forwardFlops() / p.seconds() / 1e9;
    }

    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        ThroughputBench.Phase tr = result.train();
        ThroughputBench.Phase in = result.inference();
        o.put("model", model);
        o.put("data", data);
        o.put("threads", threads);
        o.put("precision", precision);
        o.put("batch", batch);
        o.put("warmup", warmup);
        o.put("steps", tr.steps());
        o.put("structures_measured", tr.structures());
        o.put("mean_atoms", tr.meanAtoms());
        o.put("train_structures_per_s", tr.structuresPerSecond());
        o.put("train_ms_per_step", tr.msPerStep());
        o.put("infer_structures_per_s", in.structuresPerSecond());
        o.put("infer_ms_per_step", in.msPerStep());
        o.put("prepare_ms_per_structure", prepareMsPerStructure);
        o.put("peak_memory_bytes", result.peakMemoryBytes());
        o.put("peak_heap_bytes", result.heapPeak());
        if (result.rssPeak().isPresent()) {
            o.put("peak_rss_bytes", result.rssPeak().getAsLong());
            o.put("rss_first_step_bytes", result.rssFirstStep());
            o.put("rss_last_step_bytes", result.rssLastStep());
        }
        ObjectNode st = o.putObject("stages");
        tr.stageMs().forEach(st::put);
        ObjectNode ist = o.putObject("infer_stages");
        in.stageMs().forEach(ist::put);
        o.put("gflops_matmul", matmul.gflops());
        ObjectNode mm = o.putObject("matmul");
        mm.put("size", matmul.size());
        mm.put("type", matmul.type().name().toLowerCase(Locale.ROOT));
        mm.put("products", matmul.products());
        mm.put("seconds", matmul.seconds());
        putFinite(o, "model_forward_flops_per_structure", tr.forwardFlops() / tr.structures());
        putFinite(o, "model_gflops", trainGflops());
        putFinite(o, "fraction", trainGflops() / matmul.gflops());
        putFinite(o, "infer_model_gflops", inferGflops());
        putFinite(o, "infer_fraction", inferGflops() / matmul.gflops());
        return o;
    }

    private static void putFinite(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    /** The human-readable report. */
    public String table() {
        ThroughputBench.Phase tr = result.train();
        ThroughputBench.Phase in = result.inference();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s on %s: batch %d, %d measured steps after %d warm-up, %d threads, %s%n",
                model, data, batch, tr.steps(), warmup, threads, precision));
        sb.append(String.format(Locale.ROOT, "  %.2f atoms per structure in the measured training batches%n",
                tr.meanAtoms()));
        sb.append(String.format(Locale.ROOT, "training    %10.2f structures/s  %10.1f ms/step%n",
                tr.structuresPerSecond(), tr.msPerStep()));
        sb.append(String.format(Locale.ROOT, "inference   %10.2f structures/s  %10.1f ms/batch%n",
                in.structuresPerSecond(), in.msPerStep()));
        sb.append(String.format(Locale.ROOT, "prepare     %10.3f ms/structure (once per structure)%n",
                prepareMsPerStructure));
        sb.append(String.format(Locale.ROOT, "memory      peak %s (heap peak %s", mib(result.peakMemoryBytes()),
                mib(result.heapPeak())));
        if (result.rssPeak().isPresent()) {
            sb.append(String.format(Locale.ROOT, ", RSS peak %s; RSS after first/last measured step %s / %s",
                    mib(result.rssPeak().getAsLong()), mib(result.rssFirstStep()), mib(result.rssLastStep())));
        }
        sb.append(")\n");
        sb.append(String.format(Locale.ROOT, "matmul      %10.1f GFLOP/s (%d×%d %s, %d threads)%n", matmul.gflops(),
                matmul.size(), matmul.size(), matmul.type().name().toLowerCase(Locale.ROOT), threads));
        if (Double.isFinite(trainGflops())) {
            sb.append(String.format(Locale.ROOT, "model       %10.2f MFLOP/structure forward (FLOP model); "
                            + "training %.2f GFLOP/s = %.2f%% of matmul, inference %.2f GFLOP/s = %.2f%%%n",
                    tr.forwardFlops() / tr.structures() / 1e6, trainGflops(), 100 * trainGflops() / matmul.gflops(),
                    inferGflops(), 100 * inferGflops() / matmul.gflops()));
        } else {
            sb.append("model       no FLOP model for this plugin\n");
        }
        sb.append(stageTable("training step", tr));
        sb.append(stageTable("inference batch", in));
        return sb.toString();
    }

    /** Own stages partition the step; the model's stages are nested inside them (and possibly in each other). */
    private static String stageTable(String title, ThroughputBench.Phase p) {
        StringBuilder sb = new StringBuilder();
        double step = p.msPerStep();
        sb.append(String.format(Locale.ROOT, "%-28s %12s %7s%n", "stage (" + title + ")", "ms/step", "share"));
        double own = 0;
        for (String s : ThroughputBench.OWN_STAGES) {
            Double ms = p.stageMs().get(s);
            if (ms != null) {
                own += ms;
                sb.append(row(s, ms, step));
            }
        }
        sb.append(row("other (untimed)", Math.max(0, step - own), step));
        boolean any = false;
        for (Map.Entry<String, Double> e : p.stageMs().entrySet()) {
            if (!ThroughputBench.OWN_STAGES.contains(e.getKey())) {
                if (!any) {
                    sb.append("  reported by the model (nested in the stages above, may nest in each other):\n");
                    any = true;
                }
                sb.append(row("  " + e.getKey(), e.getValue(), step));
            }
        }
        return sb.toString();
    }

    private static String row(String name, double ms, double step) {
        return String.format(Locale.ROOT, "%-28s %12.1f %6.1f%%%n", name, ms, 100 * ms / step);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }
}
