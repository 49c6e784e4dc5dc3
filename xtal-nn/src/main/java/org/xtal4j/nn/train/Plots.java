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

    /** Train and validation loss per epoch (log scale when all positive). */
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
        c.getStyler().setYAxisLogarithmic(positive);
        save(c, png);
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
