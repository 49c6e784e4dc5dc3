package org.xtal4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.xtal4j.nn.predict.Ensemble;
import org.xtal4j.nn.predict.EnsembleMetrics;
import org.xtal4j.nn.predict.Prediction;
import org.xtal4j.nn.predict.Predictor;
import org.xtal4j.structure.Structure;

/**
 * The predictions of one or more models for one labelled part (val, test, ...), combined into mean and std per
 * structure, and the {@link EnsembleMetrics} of each target. Shared by {@code xtal train --ensemble} and
 * {@code xtal evaluate -m A -m B}.
 */
final class EnsembleEvaluation {

    private final String name;
    private final List<LabelledData.Item> items;
    private final List<String> modelTargets;
    private final List<List<Prediction>> perModel;
    private final List<Ensemble.Result> combined;
    private final double seconds;

    private EnsembleEvaluation(String name, List<LabelledData.Item> items, List<String> modelTargets,
                               List<List<Prediction>> perModel, List<Ensemble.Result> combined, double seconds) {
        this.name = name;
        this.items = items;
        this.modelTargets = modelTargets;
        this.perModel = perModel;
        this.combined = combined;
        this.seconds = seconds;
    }

    /** Predicts the part's structures with every model (compatible ones: see {@link LoadedModel#openAll}). */
    static EnsembleEvaluation run(String name, List<LabelledData.Item> items, List<Predictor> models,
                                  int batchSize) {
        List<Structure> structures = items.stream().map(LabelledData.Item::structure).toList();
        long t0 = System.nanoTime();
        List<List<Prediction>> perModel = new ArrayList<>();
        for (Predictor m : models) {
            perModel.add(m.predict(structures, batchSize));
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        List<Ensemble.Result> combined = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<Prediction> one = new ArrayList<>();
            for (List<Prediction> m : perModel) {
                one.add(m.get(i));
            }
            combined.add(Ensemble.combine(one));
        }
        return new EnsembleEvaluation(name, items, models.get(0).targets(), perModel, combined, secs);
    }

    String name() {
        return name;
    }

    List<LabelledData.Item> items() {
        return items;
    }

    /** Mean and std (or the error) of structure {@code i}. */
    Ensemble.Result result(int i) {
        return combined.get(i);
    }

    int models() {
        return perModel.size();
    }

    double seconds() {
        return seconds;
    }

    /** Indices of the structures every model predicted. */
    List<Integer> predicted() {
        List<Integer> ok = new ArrayList<>();
        for (int i = 0; i < combined.size(); i++) {
            if (combined.get(i).ok()) {
                ok.add(i);
            }
        }
        return ok;
    }

    static double label(LabelledData.Item it, String target) {
        return ((Number) it.structure().properties().get(target)).doubleValue();
    }

    /** Labels, means and stds of one target over the predicted structures (in item order). */
    double[][] columns(String target) {
        int ti = modelTargets.indexOf(target);
        List<Integer> ok = predicted();
        double[][] c = new double[3][ok.size()];
        for (int k = 0; k < ok.size(); k++) {
            Ensemble.Result r = combined.get(ok.get(k));
            c[0][k] = label(items.get(ok.get(k)), target);
            c[1][k] = r.mean()[ti];
            c[2][k] = r.std()[ti];
        }
        return c;
    }

    /** The ensemble's metrics of one target; null when no structure was predicted. */
    EnsembleMetrics metrics(String target) {
        double[][] c = columns(target);
        return c[0].length == 0 ? null : EnsembleMetrics.of(c[0], c[1], c[2]);
    }

    /** Each model's own MAE of one target, over the same structures as the ensemble's. */
    double[] memberMae(String target) {
        int ti = modelTargets.indexOf(target);
        List<Integer> ok = predicted();
        double[] mae = new double[perModel.size()];
        for (int m = 0; m < perModel.size(); m++) {
            double s = 0;
            for (int i : ok) {
                s += Math.abs(perModel.get(m).get(i).values()[ti] - label(items.get(i), target));
            }
            mae[m] = s / Math.max(ok.size(), 1);
        }
        return mae;
    }

    /** The part's summary: structures, predicted, and per target the metrics (and the members' own MAE). */
    void toJson(ObjectNode part, List<String> targets) {
        part.put("structures", items.size());
        part.put("predicted", predicted().size());
        for (String t : targets) {
            EnsembleMetrics m = metrics(t);
            if (m == null) {
                continue;
            }
            ObjectNode tj = part.putObject(t);
            tj.put("n", m.n());
            tj.put("mae", m.mae());
            tj.put("rmse", m.rmse());
            tj.put("r2", m.r2());
            tj.put("meanStd", m.meanStd());
            tj.put("spearman", m.spearman());
            ArrayNode mm = tj.putArray("memberMae");
            for (double v : memberMae(t)) {
                mm.add(v);
            }
        }
    }

    /** id, then per target its label, mean and std, then error (empty when predicted); atomic. */
    void writeCsv(Path file, List<String> targets) throws IOException {
        AtomicFile.write(file, w -> {
            CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').build());
            List<String> header = new ArrayList<>(List.of("id"));
            for (String t : targets) {
                header.addAll(List.of(t, t + "_mean", t + "_std"));
            }
            header.add("error");
            p.printRecord(header);
            for (int i = 0; i < items.size(); i++) {
                Ensemble.Result r = combined.get(i);
                List<String> row = new ArrayList<>(List.of(items.get(i).id()));
                for (String t : targets) {
                    int ti = modelTargets.indexOf(t);
                    row.add(Double.toString(label(items.get(i), t)));
                    row.add(r.ok() ? Double.toString(r.mean()[ti]) : "");
                    row.add(r.ok() ? Double.toString(r.std()[ti]) : "");
                }
                row.add(r.ok() ? "" : r.error());
                p.printRecord(row);
            }
            p.flush();
        });
    }

    static void printHeader(PrintWriter o) {
        o.printf(Locale.ROOT, "%-6s %-20s %7s %12s %12s %10s %12s %9s %12s%n", "part", "target", "n", "MAE", "RMSE",
                "R2", "mean std", "spearman", "member MAE");
    }

    /** One row per target; "member MAE" is the mean of the members' own MAEs, to compare with the mean's. */
    void printRows(PrintWriter o, List<String> targets) {
        for (String t : targets) {
            EnsembleMetrics m = metrics(t);
            if (m != null) {
                double memberMae = java.util.Arrays.stream(memberMae(t)).average().orElse(Double.NaN);
                o.printf(Locale.ROOT, "%-6s %-20s %7d %12.6g %12.6g %10.6f %12.6g %9.4f %12.6g%n", name, t, m.n(),
                        m.mae(), m.rmse(), m.r2(), m.meanStd(), m.spearman(), memberMae);
            }
        }
    }
}
