package org.xtal4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import org.xtal4j.nn.predict.Ensemble;
import org.xtal4j.nn.predict.EnsembleMetrics;
import org.xtal4j.nn.predict.Predictor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code xtal evaluate}: MAE, RMSE and R² of a trained model (or of the mean of an ensemble, with its mean std and
 * the Spearman correlation of std with |error|) on a labelled data set, per part and target.
 */
@Command(
        name = "evaluate",
        description = "Evaluate a trained model on a labelled data set: MAE, RMSE and R² per part (train / val / "
                + "test of --split-column, --val-data, --test-data; 'all' for unsplit --data) and per target. "
                + "Printed as a table; with --out also OUT/metrics.json, OUT/metrics.csv, "
                + "OUT/predictions_<part>.csv and parity plots OUT/parity_<part>_<target>.png. Rows that cannot "
                + "be used are skipped with a warning naming their row and id (and listed in OUT/skipped.csv). With "
                + "several models (repeated -m, or an ensemble folder) the metrics are those of the models' mean, "
                + "and two columns say how useful the spread is: mean std and the Spearman rank correlation of "
                + "the per-structure std with |mean - label| (predictions_<part>.csv gains <target>_std).",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:evaluated", "1:the model or data could not be used", "2:usage error"})
final class EvaluateCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE",
            description = "Model file (.xtal). Repeat, or give a folder from xtal train --ensemble K (all its "
                    + "member-N/model.xtal), to evaluate the ensemble's mean and how well its std ranks the errors.")
    private List<Path> models = new ArrayList<>();

    @Mixin
    private DataOptions data;

    @Option(names = "--out", paramLabel = "DIR", description = "Write metrics, predictions and plots here.")
    private Path out;

    @Mixin
    private InferenceOptions inference;

    @Override
    public Integer call() throws IOException {
        inference.startBackend(spec.commandLine());
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> files = LoadedModel.resolve(models);
        List<Predictor> loaded = LoadedModel.openAll(files);
        try {
            Predictor lm = loaded.get(0);
            boolean ensemble = loaded.size() > 1;
            // a model target log10_X was trained on log10(X) of column X
            List<String> wanted = data.targets.isEmpty() ? lm.targets().stream()
                    .map(t -> t.startsWith("log10_") ? "log10(" + t.substring(6) + ")" : t).toList() : data.targets;
            List<String> targets = wanted.stream().map(t -> TargetSpec.parse(t).name()).toList();
            for (String t : targets) {
                if (!lm.targets().contains(t)) {
                    throw new CliFailure(files.get(0) + " predicts " + lm.targets() + ", not '" + t
                            + "'; evaluate it on its own target(s)");
                }
            }
            LabelledData ld = LabelledData.load(data, wanted, LabelledData.ALL);
            List<RecordError> skipped = new ArrayList<>(ld.skipped());
            ObjectNode json = JsonNodeFactory.instance.objectNode();
            json.put("model", ensemble ? models.get(0).toString() : files.get(0).toString());
            if (ensemble) {
                ArrayNode mj = json.putArray("models");
                files.forEach(f -> mj.add(f.toString()));
                json.put("std", "sample standard deviation over the models (n - 1)");
                json.put("spearman", "Spearman rank correlation between the per-structure std and |mean - label|");
            }
            json.put("data", data.data.toString());
            ObjectNode parts = json.putObject("parts");
            List<String[]> csv = new ArrayList<>();
            if (ensemble) {
                o.printf(Locale.ROOT, "mean of %d models:%n", loaded.size());
                EnsembleEvaluation.printHeader(o);
            } else {
                o.printf(Locale.ROOT, "%-6s %-20s %7s %12s %12s %10s%n", "part", "target", "n", "MAE", "RMSE", "R2");
            }
            for (Map.Entry<String, List<LabelledData.Item>> part : ld.parts().entrySet()) {
                List<LabelledData.Item> items = part.getValue();
                EnsembleEvaluation ev = EnsembleEvaluation.run(part.getKey(), items, loaded, inference.batchSize);
                for (int i = 0; i < items.size(); i++) {
                    if (!ev.result(i).ok()) {
                        LabelledData.Item it = items.get(i);
                        skipped.add(new RecordError(it.row(), it.id(), it.source(), ev.result(i).error()));
                    }
                }
                int predicted = ev.predicted().size();
                ObjectNode pj = parts.putObject(part.getKey());
                pj.put("structures", items.size());
                pj.put("predicted", predicted);
                pj.put("seconds", ev.seconds());
                pj.put("structuresPerSecond", predicted * (double) loaded.size() / Math.max(ev.seconds(), 1e-9));
                for (String t : targets) {
                    EnsembleMetrics m = ev.metrics(t);
                    if (m == null) {
                        continue;
                    }
                    ObjectNode tj = pj.putObject(t);
                    tj.put("n", m.n());
                    tj.put("mae", m.mae());
                    tj.put("rmse", m.rmse());
                    tj.put("r2", m.r2());
                    List<String> row = new ArrayList<>(List.of(part.getKey(), t, Integer.toString(m.n()),
                            Double.toString(m.mae()), Double.toString(m.rmse()), Double.toString(m.r2())));
                    if (ensemble) {
                        tj.put("meanStd", m.meanStd());
                        tj.put("spearman", m.spearman());
                        ArrayNode mm = tj.putArray("memberMae");
                        for (double v : ev.memberMae(t)) {
                            mm.add(v);
                        }
                        row.add(Double.toString(m.meanStd()));
                        row.add(Double.toString(m.spearman()));
                    } else {
                        o.printf(Locale.ROOT, "%-6s %-20s %7d %12.6g %12.6g %10.6f%n", part.getKey(), t, m.n(),
                                m.mae(), m.rmse(), m.r2());
                    }
                    csv.add(row.toArray(String[]::new));
                    if (out != null) {
                        double[][] c = ev.columns(t);
                        Files.createDirectories(out);
                        Plots.parity(out.resolve("parity_" + part.getKey() + "_" + t + ".png"),
                                t + " (" + part.getKey() + ")", c[0], c[1], "");
                    }
                }
                if (ensemble) {
                    ev.printRows(o, targets);
                }
                if (out != null) {
                    writePredictions(out.resolve("predictions_" + part.getKey() + ".csv"), ev, targets,
                            lm.targets(), ensemble);
                }
            }
            o.flush();
            LabelledData.warn(skipped, err, 20);
            if (out != null) {
                Files.createDirectories(out);
                JSON.writeValue(out.resolve("metrics.json").toFile(), json);
                try (Writer w = Files.newBufferedWriter(out.resolve("metrics.csv"), StandardCharsets.UTF_8);
                     CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').build())) {
                    List<String> header = new ArrayList<>(List.of("part", "target", "n", "mae", "rmse", "r2"));
                    if (ensemble) {
                        header.addAll(List.of("mean_std", "spearman"));
                    }
                    p.printRecord(header);
                    for (String[] r : csv) {
                        p.printRecord((Object[]) r);
                    }
                }
                Dataset.writeReport(skipped, out.resolve("skipped.csv"));
            }
            return Xtal.OK;
        } finally {
            loaded.forEach(Predictor::close);
        }
    }

    private static void writePredictions(Path file, EnsembleEvaluation ev, List<String> targets,
                                         List<String> modelTargets, boolean ensemble) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').build())) {
            List<String> header = new ArrayList<>(List.of("id", "row"));
            for (String t : targets) {
                header.add(t);
                header.add(t + "_predicted");
                if (ensemble) {
                    header.add(t + "_std");
                }
            }
            header.add("error");
            p.printRecord(header);
            List<LabelledData.Item> items = ev.items();
            for (int i = 0; i < items.size(); i++) {
                LabelledData.Item it = items.get(i);
                Ensemble.Result pr = ev.result(i);
                List<String> row = new ArrayList<>(List.of(it.id(), Integer.toString(it.row())));
                for (String t : targets) {
                    int ti = modelTargets.indexOf(t);
                    row.add(it.structure().properties().get(t).toString());
                    row.add(pr.ok() ? Double.toString(pr.mean()[ti]) : "");
                    if (ensemble) {
                        row.add(pr.ok() ? Double.toString(pr.std()[ti]) : "");
                    }
                }
                row.add(pr.ok() ? "" : pr.error());
                p.printRecord(row);
            }
        }
    }
}
