package org.xtal4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.xtal4j.nn.model.ModelFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code xtal reproduce}: re-runs one benchmark row (a JSON file under {@code benchmarks/}) and prints the expected
 * metrics next to the obtained ones.
 */
@Command(
        name = "reproduce",
        description = "Re-run a benchmark (a JSON file from benchmarks/: the xtal command line of the run and the "
                + "metrics it gave) and print expected against obtained. $${shared} in the command stands for the "
                + "shared data folder, $${out} for the output folder.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every metric is within the tolerance", "1:the run failed or a metric is off",
                "2:usage error"})
final class ReproduceCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Parameters(index = "0", paramLabel = "CONFIG.json", description = "A benchmark file, e.g. benchmarks/perov_5-crystalformer.json.")
    private Path config;

    @Option(names = "--shared", paramLabel = "DIR", description = "The shared data folder (default: $XTAL_SHARED, "
            + "else ../shared next to the checkout).")
    private Path shared;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/reproduce/<name>).")
    private Path out;

    @Option(names = "--tolerance", paramLabel = "R", description = "Relative tolerance (default: the file's, else 0.1).")
    private Double tolerance;

    @Option(names = "--resume", description = "Continue a stopped reproduction in the same output folder.")
    private boolean resume;

    @Option(names = "--dry-run", description = "Print the command and the expected metrics; run nothing.")
    private boolean dryRun;

    @Option(names = "--compare-only", description = "Do not train: compare the model already in the output folder.")
    private boolean compareOnly;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Benchmark b = Benchmark.read(config);
        Path outDir = out != null ? out : Path.of("runs", "reproduce", b.name());
        Path sharedDir = sharedFolder();
        List<String> args = new ArrayList<>();
        for (String a : b.command()) {
            args.add(a.replace("${shared}", sharedDir.toString()).replace("${out}", outDir.toString()));
        }
        if (resume) {
            args.add("--resume");
        }
        double tol = tolerance != null ? tolerance : b.tolerance();
        o.println("xtal " + String.join(" ", args));
        o.flush();
        if (dryRun) {
            b.expected().forEach((k, v) -> o.printf(Locale.ROOT, "expected %s = %s%n", k, v));
            o.flush();
            return Xtal.OK;
        }
        if (!compareOnly) {
            if (!Files.isDirectory(sharedDir) && args.stream().anyMatch(a -> a.startsWith(sharedDir.toString()))) {
                throw new CliFailure("the shared data folder " + sharedDir + " does not exist (give --shared DIR or "
                        + "set XTAL_SHARED)");
            }
            CommandLine inner = Xtal.commandLine();
            inner.setOut(o);
            inner.setErr(err);
            int status = inner.execute(args.toArray(String[]::new));
            if (status != Xtal.OK) {
                err.println("xtal: " + config + ": the run exited with status " + status);
                return Xtal.INPUT_FAILED;
            }
        }
        Path model = outDir.resolve("model" + ModelFile.EXTENSION);
        if (!Files.isRegularFile(model)) {
            throw new CliFailure(model + ": no model there (the run has not finished; continue with --resume)");
        }
        Map<String, Double> got = ModelFile.read(model).provenance().metrics();
        o.printf(Locale.ROOT, "%-34s %12s %12s %9s  %s%n", "metric", "expected", "obtained", "diff", "");
        boolean allOk = true;
        for (Map.Entry<String, Double> e : b.expected().entrySet()) {
            Double g = got.get(e.getKey());
            double x = e.getValue();
            boolean ok = g != null && Math.abs(g - x) <= tol * Math.abs(x);
            allOk &= ok;
            o.printf(Locale.ROOT, "%-34s %12.6g %12s %8s  %s%n", e.getKey(), x,
                    g == null ? "missing" : String.format(Locale.ROOT, "%.6g", g),
                    g == null ? "" : String.format(Locale.ROOT, "%+.1f%%", 100 * (g - x) / Math.abs(x)),
                    ok ? "ok" : "OFF (tolerance " + Math.round(tol * 100) + "%)");
        }
        o.flush();
        return allOk ? Xtal.OK : Xtal.INPUT_FAILED;
    }

    private Path sharedFolder() {
        if (shared != null) {
            return shared;
        }
        String env = System.getenv("XTAL_SHARED");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String home = System.getProperty("xtal.home");
        return home != null ? Path.of(home).resolve("..").resolve("shared").normalize() : Path.of("..", "shared");
    }

    /** One benchmark file: a name, the xtal arguments and the metrics the recorded run obtained. */
    record Benchmark(String name, List<String> command, Map<String, Double> expected, double tolerance) {

        static Benchmark read(Path file) {
            JsonNode n;
            try {
                n = JSON.readTree(file.toFile());
            } catch (IOException e) {
                throw new CliFailure(file + ": not a readable JSON benchmark file: " + e.getMessage(), e);
            }
            if (n == null || !n.isObject()) {
                throw new CliFailure(file + ": not a JSON object");
            }
            String name = text(n, "name", file);
            JsonNode cmd = n.get("command");
            if (cmd == null || !cmd.isArray() || cmd.isEmpty()) {
                throw new CliFailure(file + ": \"command\" must be a non-empty array of xtal arguments");
            }
            List<String> command = new ArrayList<>();
            cmd.forEach(a -> command.add(a.asText()));
            JsonNode exp = n.get("expected");
            if (exp == null || !exp.isObject() || exp.isEmpty()) {
                throw new CliFailure(file + ": \"expected\" must be an object of metric -> value");
            }
            Map<String, Double> expected = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = exp.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isNumber()) {
                    throw new CliFailure(file + ": expected." + e.getKey() + " is not a number");
                }
                expected.put(e.getKey(), e.getValue().asDouble());
            }
            double tol = n.has("tolerance") ? n.get("tolerance").asDouble() : 0.1;
            return new Benchmark(name, List.copyOf(command), expected, tol);
        }

        private static String text(JsonNode n, String key, Path file) {
            JsonNode v = n.get(key);
            if (v == null || !v.isTextual() || v.asText().isBlank()) {
                throw new CliFailure(file + ": \"" + key + "\" is missing");
            }
            return v.asText();
        }
    }
}
