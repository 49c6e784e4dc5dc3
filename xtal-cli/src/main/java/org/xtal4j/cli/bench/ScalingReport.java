package org.xtal4j.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The scaling benchmark's points as CSV and as a log-log PNG (XChart, headless). */
public final class ScalingReport {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /**
     * One measured setting: x (atoms per cell or batch size), the structures per batch, mean atoms, time per
     * structure of a training step and of inference, throughput, forward MFLOP per structure by the FLOP
     * model (NaN: none), mean translations per pair (Crystalformer; 0 otherwise), and the error when the
     * setting failed (then the times are NaN).
     */
    public record Point(int x, int batch, double meanAtoms, double trainMsPerStructure, double inferMsPerStructure,
                        double forwardMflops, double translations, String error) {

        public static Point failed(int x, int batch, String error) {
            return new Point(x, batch, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, error);
        }
    }

    private ScalingReport() {
    }

    public static void writeCsv(Path file, String xName, List<Point> points) throws IOException {
        StringBuilder sb = new StringBuilder(xName).append(",batch,mean_atoms,train_ms_per_structure,"
                + "infer_ms_per_structure,train_structures_per_s,infer_structures_per_s,forward_mflops,"
                + "translations_per_pair,error\n");
        for (Point p : points) {
            sb.append(String.format(Locale.ROOT, "%d,%d,%s,%s,%s,%s,%s,%s,%s,%s%n", p.x(), p.batch(),
                    num(p.meanAtoms()), num(p.trainMsPerStructure()), num(p.inferMsPerStructure()),
                    num(1e3 / p.trainMsPerStructure()), num(1e3 / p.inferMsPerStructure()), num(p.forwardMflops()),
                    num(p.translations()), p.error() == null ? "" : '"' + p.error().replace('"', '\'') + '"'));
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, sb.toString());
    }

    /** Time per structure (training step, inference) against x, both axes logarithmic. */
    public static void plot(Path png, String title, String xTitle, List<Point> points) throws IOException {
        XYChart c = new XYChartBuilder().width(800).height(550).title(title).xAxisTitle(xTitle)
                .yAxisTitle("ms per structure").build();
        List<Double> x = new ArrayList<>();
        List<Double> train = new ArrayList<>();
        List<Double> infer = new ArrayList<>();
        for (Point p : points) {
            if (p.error() == null && p.trainMsPerStructure() > 0 && p.inferMsPerStructure() > 0) {
                x.add((double) p.x());
                train.add(p.trainMsPerStructure());
                infer.add(p.inferMsPerStructure());
            }
        }
        if (x.isEmpty()) {
            return;
        }
        c.addSeries("training step", x, train).setMarker(SeriesMarkers.CIRCLE);
        c.addSeries("inference", x, infer).setMarker(SeriesMarkers.DIAMOND);
        c.getStyler().setXAxisLogarithmic(x.size() > 1 && x.get(0) > 0);
        c.getStyler().setYAxisLogarithmic(true);
        Files.createDirectories(png.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(c, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
    }
}
