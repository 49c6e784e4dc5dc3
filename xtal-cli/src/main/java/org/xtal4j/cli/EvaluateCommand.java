package org.xtal4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.xtal4j.data.Dataset;
import org.xtal4j.data.RecordError;
import org.xtal4j.nn.train.Plots;
import org.xtal4j.nn.predict.Prediction;
import org.xtal4j.nn.predict.Predictor;
import org.xtal4j.structure.Structure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code xtal evaluate}: MAE, RMSE and R² of a trained model on a labelled data set, per part and target. */
@Command(
        name = "evaluate",
        description = "Evaluate a trained model on a labelled data set: MAE, RMSE and R² per part (train / val / "
                + "test of --split-column, --val-data, --test-data; 'all' for unsplit --data) and per target. "
                + "Printed as a table; with --out also OUT/metrics.json, OUT/metrics.csv, "
                + "OUT/predictions_<part>.csv and parity plots OUT/parity_<part>_<target>.png. Rows that cannot "
                + "be used are skipped with a warning naming their row and id (and listed in OUT/skipped.csv).",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:evaluated", "1:the model or data could not be used", "2:usage error"})
final class EvaluateCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "Model file (.xtal).")
    private Path model;

    @Mixin
    private DataOptions data;

    @Option(names = "--out", paramLabel = "DIR", description = "Write metrics, predictions and plots here.")
    private Path out;

    @Mixin
    private InferenceOptions inference;

    /** Metrics of one target on one part. */
    record Metrics(int n, double mae, double rmse, double r2) {
        static Metrics of(double[] truth, double[] pred) {
            int n = truth.length;
            double ae = 0;
            double se = 0;
            double mean = 0;
            for (double t : truth) {
                mean += t / n;
            }
            double ss = 0;
            for (int i = 0; i < n; i++) {
                double d = pred[i] - truth[i];
                ae += Math.abs(d);
                se += d * d;
                ss += (truth[i] - mean) * (truth[i] - mean);
            }
            return new Metrics(n, ae / n, Math.sqrt(se / n), ss > 0 ? 1 - se / ss : Double.NaN);
        }
    }

    @Override
    public Integer call() throws IOException {
        inference.startBackend(spec.commandLine());
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Predictor lm = LoadedModel.open(model)) {
            List<String> targets = data.targets.isEmpty() ? lm.targets() : data.targets;
            for (String t : targets) {
                if (!lm.targets().contains(t)) {
                    throw new CliFailure(model + " predicts " + lm.targets() + ", not '" + t
                            + "'; evaluate it on its own target(s)");
                }
            }
            LabelledData ld = LabelledData.load(data, targets, LabelledData.ALL);
            List<RecordError> skipped = new ArrayList<>(ld.skipped());
            ObjectNode json = JsonNodeFactory.instance.objectNode();
            json.put("model", model.toString());
            json.put("data", data.data.toString());
            ObjectNode parts = json.putObject("parts");
            List<String[]> csv = new ArrayList<>();
            o.printf(Locale.ROOT, "%-6s %-20s %7s %12s %12s %10s%n", "part", "target", "n", "MAE", "RMSE", "R2");
            for (Map.Entry<String, List<LabelledData.Item>> part : ld.parts().entrySet()) {
                List<LabelledData.Item> items = part.getValue();
                List<Structure> structures = items.stream().map(LabelledData.Item::structure).toList();
                long t0 = System.nanoTime();
                List<Prediction> preds = lm.predict(structures, inference.batchSize);
                double secs = (System.nanoTime() - t0) / 1e9;
                List<Integer> ok = new ArrayList<>();
                for (int i = 0; i < items.size(); i++) {
                    if (preds.get(i).ok()) {
                        ok.add(i);
                    } else {
                        LabelledData.Item it = items.get(i);
                        skipped.add(new RecordError(it.row(), it.id(), it.source(), preds.get(i).error()));
                    }
                }
                ObjectNode pj = parts.putObject(part.getKey());
                pj.put("structures", items.size());
                pj.put("predicted", ok.size());
                pj.put("seconds", secs);
                pj.put("structuresPerSecond", ok.size() / Math.max(secs, 1e-9));
                for (String t : targets) {
                    int ti = lm.targets().indexOf(t);
                    double[] truth = new double[ok.size()];
                    double[] pred = new double[ok.size()];
                    for (int k = 0; k < ok.size(); k++) {
                        truth[k] = ((Number) items.get(ok.get(k)).structure().properties().get(t)).doubleValue();
                        pred[k] = preds.get(ok.get(k)).values()[ti];
                    }
                    if (ok.isEmpty()) {
                        continue;
                    }
                    Metrics m = Metrics.of(truth, pred);
                    ObjectNode tj = pj.putObject(t);
                    tj.put("n", m.n());
                    tj.put("mae", m.mae());
                    tj.put("rmse", m.rmse());
                    tj.put("r2", m.r2());
                    csv.add(new String[] {part.getKey(), t, Integer.toString(m.n()), Double.toString(m.mae()),
                            Double.toString(m.rmse()), Double.toString(m.r2())});
                    o.printf(Locale.ROOT, "%-6s %-20s %7d %12.6g %12.6g %10.6f%n", part.getKey(), t, m.n(), m.mae(),
                            m.rmse(), m.r2());
                    if (out != null) {
                        Files.createDirectories(out);
                        Plots.parity(out.resolve("parity_" + part.getKey() + "_" + t + ".png"),
                                t + " (" + part.getKey() + ")", truth, pred, "");
                    }
                }
                if (out != null) {
                    writePredictions(out.resolve("predictions_" + part.getKey() + ".csv"), items, preds, targets,
                            lm.targets());
                }
            }
            o.flush();
            LabelledData.warn(skipped, err, 20);
            if (out != null) {
                Files.createDirectories(out);
                JSON.writeValue(out.resolve("metrics.json").toFile(), json);
                try (Writer w = Files.newBufferedWriter(out.resolve("metrics.csv"), StandardCharsets.UTF_8);
                     CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').build())) {
                    p.printRecord("part", "target", "n", "mae", "rmse", "r2");
                    for (String[] r : csv) {
                        p.printRecord((Object[]) r);
                    }
                }
                Dataset.writeReport(skipped, out.resolve("skipped.csv"));
            }
            return Xtal.OK;
        }
    }

    private static void writePredictions(Path file, List<LabelledData.Item> items,
                                         List<Prediction> preds, List<String> targets,
                                         List<String> modelTargets) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').build())) {
            List<String> header = new ArrayList<>(List.of("id", "row"));
            for (String t : targets) {
                header.add(t);
                header.add(t + "_predicted");
            }
            header.add("error");
            p.printRecord(header);
            for (int i = 0; i < items.size(); i++) {
                LabelledData.Item it = items.get(i);
                Prediction pr = preds.get(i);
                List<String> row = new ArrayList<>(List.of(it.id(), Integer.toString(it.row())));
                for (String t : targets) {
                    row.add(it.structure().properties().get(t).toString());
                    row.add(pr.ok() ? Double.toString(pr.values()[modelTargets.indexOf(t)]) : "");
                }
                row.add(pr.ok() ? "" : pr.error());
                p.printRecord(row);
            }
        }
    }
}
