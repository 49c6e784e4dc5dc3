package org.xtal4j.nn.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG plots with XChart: learning curves from the epoch metrics and a parity plot. Headless. */
public final class Plots {

    private Plots() {
    }

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Train and validation loss per epoch (log scale when all positive and spanning a decade or more). */
    public static void learningCurves(Path png, List<EpochMetrics> rows) throws IOException {
        XYChart c = new XYChartBuilder().width(800).height(500).title("Learning curves").xAxisTitle("epoch")
                .yAxisTitle("loss (normalised)").build();
        List<Double> x = new ArrayList<>();
        List<Double> train = new ArrayList<>();
        List<Double> val = new ArrayList<>();
        boolean positive = true;
        for (EpochMetrics r : rows) {
            x.add((double) r.epoch());
            train.add(r.trainLoss());
            val.add(r.valLoss());
            positive &= r.trainLoss() > 0 && (Double.isNaN(r.valLoss()) || r.valLoss() > 0);
        }
        if (x.isEmpty()) {
            return;
        }
        c.addSeries("train", x, train).setMarker(SeriesMarkers.NONE);
        if (val.stream().noneMatch(d -> Double.isNaN(d))) {
            c.addSeries("validation", x, val).setMarker(SeriesMarkers.NONE);
        }
        // XChart labels only powers of ten on a log axis: within one decade it would show no numbers at all
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (int i = 0; i < x.size(); i++) {
            for (double v : new double[] {train.get(i), val.get(i)}) {
                if (!Double.isNaN(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        c.getStyler().setYAxisLogarithmic(positive && hi >= 10 * lo);
        save(c, png);
    }

    /** Train and validation MAE (original units) per epoch, one chart per target: {@code mae_<target>.png}. */
    public static void maeCurves(Path dir, List<EpochMetrics> rows, List<String> targets) throws IOException {
        for (int t = 0; t < targets.size(); t++) {
            XYChart c = new XYChartBuilder().width(700).height(450).title("MAE per epoch: " + targets.get(t))
                    .xAxisTitle("epoch").yAxisTitle("MAE").build();
            List<Double> x = new ArrayList<>();
            List<Double> train = new ArrayList<>();
            List<Double> val = new ArrayList<>();
            for (EpochMetrics r : rows) {
                x.add((double) r.epoch());
                train.add(r.trainMae()[t]);
                val.add(r.valMae()[t]);
            }
            if (x.isEmpty()) {
                return;
            }
            c.addSeries("train", x, train).setMarker(SeriesMarkers.CIRCLE);
            if (val.stream().noneMatch(d -> Double.isNaN(d))) {
                c.addSeries("validation", x, val).setMarker(SeriesMarkers.CIRCLE);
            }
            save(c, dir.resolve("mae_" + targets.get(t) + ".png"));
        }
    }

    /** Predicted vs true values (original units) with the y = x line. */
    public static void parity(Path png, String title, double[] truth, double[] predicted, String unit)
            throws IOException {
        if (truth.length == 0) {
            return;
        }
        String u = unit == null || unit.isEmpty() ? "" : " (" + unit + ")";
        XYChart c = new XYChartBuilder().width(600).height(600).title(title).xAxisTitle("true" + u)
                .yAxisTitle("predicted" + u).build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setMarkerSize(4);
        c.addSeries("structures", truth, predicted);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < truth.length; i++) {
            lo = Math.min(lo, Math.min(truth[i], predicted[i]));
            hi = Math.max(hi, Math.max(truth[i], predicted[i]));
        }
        XYSeries line = c.addSeries("y = x", new double[] {lo, hi}, new double[] {lo, hi});
        line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        line.setMarker(SeriesMarkers.NONE);
        save(c, png);
    }

    private static void save(XYChart c, Path png) throws IOException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(c, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
