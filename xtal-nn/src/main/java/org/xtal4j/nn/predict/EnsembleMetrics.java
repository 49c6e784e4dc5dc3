package org.xtal4j.nn.predict;

/**
 * How good an ensemble's mean prediction of one target is, and how well its spread ranks its errors.
 *
 * @param n        structures
 * @param mae      mean absolute error of the mean prediction
 * @param rmse     root mean squared error of the mean prediction
 * @param r2       coefficient of determination of the mean prediction (NaN when the labels are constant)
 * @param meanStd  mean over the structures of the ensemble's standard deviation
 * @param spearman Spearman's ρ between the per-structure std and |mean − label| (NaN when either is constant,
 *                 e.g. a single model, whose std is 0): 1 when a larger spread always means a larger error
 */
public record EnsembleMetrics(int n, double mae, double rmse, double r2, double meanStd, double spearman) {

    /**
     * The metrics of one target.
     *
     * @throws IllegalArgumentException when the arrays differ in length or are empty
     */
    public static EnsembleMetrics of(double[] label, double[] mean, double[] std) {
        int n = label.length;
        if (n == 0 || mean.length != n || std.length != n) {
            throw new IllegalArgumentException("ensemble metrics need as many (> 0) labels, means and stds; got "
                    + n + ", " + mean.length + ", " + std.length);
        }
        double mu = 0;
        for (double t : label) {
            mu += t;
        }
        mu /= n;
        double ae = 0;
        double se = 0;
        double ss = 0;
        double sd = 0;
        double[] absErr = new double[n];
        for (int i = 0; i < n; i++) {
            double d = mean[i] - label[i];
            absErr[i] = Math.abs(d);
            ae += absErr[i];
            se += d * d;
            ss += (label[i] - mu) * (label[i] - mu);
            sd += std[i];
        }
        return new EnsembleMetrics(n, ae / n, Math.sqrt(se / n), ss > 0 ? 1 - se / ss : Double.NaN, sd / n,
                RankCorrelation.spearman(std, absErr));
    }
}
