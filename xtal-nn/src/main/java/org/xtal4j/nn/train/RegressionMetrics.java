package org.xtal4j.nn.train;

import java.util.Arrays;
import java.util.List;
import org.xtal4j.nn.model.Normalisation;

/**
 * Running MAE, RMSE and R² per target in original units, fed with normalised [B, T] predictions and labels
 * (mapped back with the {@link Normalisation}). Sums in double.
 */
public final class RegressionMetrics {

    private final Normalisation normalisation;
    private final int t;
    private final double[] sumAbs;
    private final double[] sumSq;
    private final double[] sumY;
    private final double[] sumY2;
    private long n;

    public RegressionMetrics(Normalisation normalisation) {
        this.normalisation = normalisation;
        this.t = normalisation.size();
        sumAbs = new double[t];
        sumSq = new double[t];
        sumY = new double[t];
        sumY2 = new double[t];
    }

    /** Adds a batch: row-major [B, T] normalised predictions and labels. */
    public void add(double[] predictionNorm, double[] labelNorm) {
        if (predictionNorm.length != labelNorm.length || predictionNorm.length % t != 0) {
            throw new IllegalArgumentException("predictions (" + predictionNorm.length + ") and labels ("
                    + labelNorm.length + ") do not hold [B, " + t + "] values");
        }
        List<Normalisation.Target> targets = normalisation.targets();
        for (int i = 0; i < predictionNorm.length; i++) {
            Normalisation.Target tg = targets.get(i % t);
            double p = tg.denormalise(predictionNorm[i]);
            double y = tg.denormalise(labelNorm[i]);
            int k = i % t;
            sumAbs[k] += Math.abs(p - y);
            sumSq[k] += (p - y) * (p - y);
            sumY[k] += y;
            sumY2[k] += y * y;
        }
        n += predictionNorm.length / t;
    }

    public long count() {
        return n;
    }

    public double[] mae() {
        return Arrays.stream(sumAbs).map(s -> s / n).toArray();
    }

    public double[] rmse() {
        return Arrays.stream(sumSq).map(s -> Math.sqrt(s / n)).toArray();
    }

    /** 1 − SSE / SST (NaN when the labels are constant). */
    public double[] r2() {
        double[] out = new double[t];
        for (int k = 0; k < t; k++) {
            double sst = sumY2[k] - sumY[k] * sumY[k] / n;
            out[k] = sst > 0 ? 1 - sumSq[k] / sst : Double.NaN;
        }
        return out;
    }
}
