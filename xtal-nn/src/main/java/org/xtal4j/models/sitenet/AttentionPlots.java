package org.xtal4j.models.sitenet;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG plots of {@link AttentionAnalysis} results with XChart.
 *
 * <ul>
 *   <li>{@link #attentionHistogram}: the paper's Fig. 6 for one block and head — a 2-D histogram of
 *       attention weight (log-spaced bins from 1e-8 to 1; smaller weights go to the lowest bin) against
 *       distance (quantile-spaced bins over the pairs with d &gt; 0, as {@code plot_reproduce.py}), each
 *       distance column normalised to sum 1, drawn as a heat map; beside it the histogram of the
 *       self-loop weights (d = 0: i with its own position), plotted apart as in the reference.</li>
 *   <li>{@link #longRangeVsSize}: the long-range coefficient against (P1 volume)^(1/3) with a
 *       least-squares line (Fig. 7, right).</li>
 * </ul>
 */
public final class AttentionPlots {

    /** Weight bins of the heat map (log-spaced 1e-8 … 1). */
    public static final int WEIGHT_BINS = 32;
    /** Most distance bins of the heat map (quantile-spaced). */
    public static final int DISTANCE_BINS = 30;
    private static final double MIN_WEIGHT = 1e-8;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private AttentionPlots() {
    }

    /** Log-bin index of a weight in [0, WEIGHT_BINS). */
    static int weightBin(double w) {
        double x = Math.log10(Math.max(w, MIN_WEIGHT)) / -Math.log10(MIN_WEIGHT); // -1 … 0
        int bin = (int) Math.floor((x + 1) * WEIGHT_BINS);
        return Math.min(WEIGHT_BINS - 1, Math.max(0, bin));
    }

    /** Lower edge of weight bin k. */
    static double weightEdge(int k) {
        return Math.pow(10, Math.log10(MIN_WEIGHT) * (1 - (double) k / WEIGHT_BINS));
    }

    /**
     * The column-normalised 2-D histogram [distance bin][weight bin] of the pairs with d &gt; 0 and the
     * distance bin edges (quantiles); returned as {edges, histogram...} through {@link Histogram}.
     */
    public static Histogram histogram(List<AttentionAnalysis> items, int block, int head) {
        List<double[]> pairs = new ArrayList<>();
        int self = 0;
        int[] selfCounts = new int[WEIGHT_BINS];
        int count = 0;
        for (AttentionAnalysis a : items) {
            count += a.primitiveSize() * a.supercellSize();
        }
        double[] d = new double[count];
        double[] w = new double[count];
        int m = 0;
        for (AttentionAnalysis a : items) {
            double[] dist = a.distances();
            double[] wt = a.weights(block, head);
            for (int k = 0; k < dist.length; k++) {
                if (dist[k] == 0) {
                    selfCounts[weightBin(wt[k])]++;
                    self++;
                } else {
                    d[m] = dist[k];
                    w[m] = wt[k];
                    m++;
                }
            }
        }
        d = Arrays.copyOf(d, m);
        w = Arrays.copyOf(w, m);
        double[] sorted = d.clone();
        Arrays.sort(sorted);
        // quantile edges, repeated values merged (crystals have many equal distances), so no column is empty
        int wanted = Math.max(1, Math.min(DISTANCE_BINS, m));
        double[] quantiles = new double[wanted + 1];
        for (int q = 0; q <= wanted; q++) {
            quantiles[q] = m == 0 ? q : sorted[Math.min(m - 1, (int) ((long) q * (m - 1) / wanted))];
        }
        double[] edges = Arrays.stream(quantiles).distinct().toArray();
        if (edges.length == 1) {
            edges = new double[] {edges[0], edges[0]};
        }
        int bins = edges.length - 1;
        double[][] hist = new double[bins][WEIGHT_BINS];
        for (int k = 0; k < m; k++) {
            int col = Arrays.binarySearch(edges, d[k]);
            col = col >= 0 ? col : -col - 2;
            col = Math.min(bins - 1, Math.max(0, col));
            hist[col][weightBin(w[k])]++;
        }
        for (double[] col : hist) {
            double s = Arrays.stream(col).sum();
            if (s > 0) {
                for (int k = 0; k < col.length; k++) {
                    col[k] /= s;
                }
            }
        }
        return new Histogram(edges, hist, selfCounts, self);
    }

    /** A column-normalised histogram with its distance edges and the self-loop counts. */
    public record Histogram(double[] distanceEdges, double[][] fractions, int[] selfLoopCounts, int selfLoops) {
    }

    /** Fig. 6 for one block and head over the given structures (heat map + self-loop histogram). */
    public static void attentionHistogram(Path png, List<AttentionAnalysis> items, int block, int head)
            throws IOException {
        Histogram h = histogram(items, block, head);
        HeatMapChart heat = new HeatMapChartBuilder().width(800).height(600)
                .title(String.format(Locale.ROOT, "Attention vs distance, block %d head %d", block + 1, head + 1))
                .xAxisTitle("distance (Å, quantile bins)").yAxisTitle("attention weight (log bins)").build();
        List<String> xs = new ArrayList<>();
        for (int q = 0; q < h.fractions().length; q++) {
            xs.add(String.format(Locale.ROOT, "%.2f", 0.5 * (h.distanceEdges()[q] + h.distanceEdges()[q + 1])));
        }
        List<String> ys = new ArrayList<>();
        for (int k = 0; k < WEIGHT_BINS; k++) {
            ys.add(String.format(Locale.ROOT, "%.0e", weightEdge(k)));
        }
        List<Number[]> cells = new ArrayList<>();
        for (int q = 0; q < h.fractions().length; q++) {
            for (int k = 0; k < WEIGHT_BINS; k++) {
                cells.add(new Number[] {q, k, h.fractions()[q][k]});
            }
        }
        heat.addSeries("fraction of the distance column", xs, ys, cells);
        heat.getStyler().setRangeColors(new Color[] {Color.WHITE, new Color(0x4C72B0), new Color(0x08306B)});
        heat.getStyler().setMin(0).setMax(1);
        heat.getStyler().setXAxisLabelRotation(90);
        heat.getStyler().setShowValue(false);

        CategoryChart selfLoop = new CategoryChartBuilder().width(800).height(600)
                .title("Self-loops (d = 0)").xAxisTitle("attention weight (lower bin edge)").yAxisTitle("pairs")
                .build();
        List<Integer> counts = new ArrayList<>();
        for (int c : h.selfLoopCounts()) {
            counts.add(c);
        }
        selfLoop.addSeries("self-loops (" + h.selfLoops() + ")", ys, counts);
        selfLoop.getStyler().setXAxisLabelRotation(90);
        selfLoop.getStyler().setLegendVisible(false);
        List<Chart<?, ?>> charts = List.of(heat, selfLoop);
        BitmapEncoder.saveBitmap(charts, 1, 2, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** The eqn (8) long-range coefficient against (P1 volume)^(1/3), with a least-squares line. */
    public static void longRangeVsSize(Path png, List<AttentionAnalysis> items) throws IOException {
        double[] x = items.stream().mapToDouble(AttentionAnalysis::p1Length).toArray();
        double[] y = items.stream().mapToDouble(AttentionAnalysis::longRangeCoefficient).toArray();
        XYChart c = new XYChartBuilder().width(800).height(600).title("Long-range coefficient (eqn 8)")
                .xAxisTitle("(P1 volume)^(1/3) (Å)").yAxisTitle("long-range coefficient (Å)").build();
        XYSeries s = c.addSeries("structures", x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        if (x.length >= 2) {
            double mx = Arrays.stream(x).average().orElse(0);
            double my = Arrays.stream(y).average().orElse(0);
            double sxx = 0;
            double sxy = 0;
            for (int i = 0; i < x.length; i++) {
                sxx += (x[i] - mx) * (x[i] - mx);
                sxy += (x[i] - mx) * (y[i] - my);
            }
            if (sxx > 0) {
                double slope = sxy / sxx;
                double lo = Arrays.stream(x).min().orElse(0);
                double hi = Arrays.stream(x).max().orElse(0);
                XYSeries fit = c.addSeries(String.format(Locale.ROOT, "fit: %.3g·x %+.3g", slope, my - slope * mx),
                        new double[] {lo, hi}, new double[] {my + slope * (lo - mx), my + slope * (hi - mx)});
                fit.setMarker(SeriesMarkers.NONE);
            }
        }
        BitmapEncoder.saveBitmap(c, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
