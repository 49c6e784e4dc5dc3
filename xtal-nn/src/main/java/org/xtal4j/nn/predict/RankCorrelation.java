package org.xtal4j.nn.predict;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Spearman's rank correlation: the Pearson correlation of the two variables' ranks, tied values sharing the
 * average of the ranks they span (as scipy.stats.spearmanr). Used to say how well an ensemble's spread ranks
 * its errors; commons-math3 (which has one) is not a dependency of the project.
 */
public final class RankCorrelation {

    private RankCorrelation() {
    }

    /**
     * Spearman's ρ of x and y; NaN when there are fewer than two pairs or either variable is constant (its
     * ranks have no spread).
     *
     * @throws IllegalArgumentException when the lengths differ or a value is NaN
     */
    public static double spearman(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("spearman: " + x.length + " x values but " + y.length + " y values");
        }
        if (x.length < 2) {
            return Double.NaN;
        }
        return pearson(ranks(x), ranks(y));
    }

    /** 1-based ranks in ascending order; ties get the mean of the ranks they occupy. */
    public static double[] ranks(double[] v) {
        int n = v.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(v[i])) {
                throw new IllegalArgumentException("ranks: value " + i + " is NaN");
            }
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
        double[] r = new double[n];
        for (int start = 0; start < n; ) {
            int end = start + 1;
            while (end < n && v[order[end]] == v[order[start]]) {
                end++;
            }
            double avg = (start + 1 + end) / 2.0;   // mean of the ranks start+1 .. end
            for (int k = start; k < end; k++) {
                r[order[k]] = avg;
            }
            start = end;
        }
        return r;
    }

    private static double pearson(double[] a, double[] b) {
        int n = a.length;
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= n;
        mb /= n;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            double da = a[i] - ma;
            double db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        if (saa == 0 || sbb == 0) {
            return Double.NaN;
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
