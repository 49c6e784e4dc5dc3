package org.xtal4j.nn.predict;

import java.util.List;

/** Mean and sample standard deviation over the models of an ensemble, per structure and target. */
public final class Ensemble {

    /** The combined prediction: mean and std per target, or the first model's error. */
    public record Result(double[] mean, double[] std, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    private Ensemble() {
    }

    /**
     * Combines one structure's predictions, one per model. A structure that any model failed on gets
     * that error; the std of a single model is 0.
     */
    public static Result combine(List<Prediction> perModel) {
        for (Prediction p : perModel) {
            if (!p.ok()) {
                return new Result(null, null, p.error());
            }
        }
        int nt = perModel.get(0).values().length;
        double[] mean = new double[nt];
        double[] std = new double[nt];
        int n = perModel.size();
        for (int t = 0; t < nt; t++) {
            double s = 0;
            for (Prediction p : perModel) {
                s += p.values()[t];
            }
            double mu = s / n;
            double ss = 0;
            for (Prediction p : perModel) {
                double d = p.values()[t] - mu;
                ss += d * d;
            }
            mean[t] = mu;
            std[t] = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
        }
        return new Result(mean, std, null);
    }
}
