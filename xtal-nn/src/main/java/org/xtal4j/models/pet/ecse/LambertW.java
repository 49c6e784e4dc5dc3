package org.xtal4j.models.pet.ecse;

/**
 * The principal branch W₀ of the Lambert W function (w·e^w = x) for x ≥ −1/e, in pure Java. ECSE needs only
 * T(β) = W₀(e⁻¹)/β (spec pet.md §3.3), but the function is general: Halley iteration from a branch-point
 * series near −1/e, a log-based start for large x and w = x otherwise; converges to the last ulp in a few steps.
 */
public final class LambertW {

    private static final double BRANCH = -1.0 / Math.E;

    private LambertW() {
    }

    /** W₀(x); NaN for x &lt; −1/e. */
    public static double w0(double x) {
        if (Double.isNaN(x) || x < BRANCH) {
            return Double.NaN;
        }
        if (x == 0) {
            return 0;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return x;
        }
        double w;
        if (x < -0.25) {
            double p = Math.sqrt(2 * (Math.E * x + 1)); // series around the branch point
            w = -1 + p - p * p / 3 + 11.0 / 72 * p * p * p;
        } else if (x > 3) {
            double l = Math.log(x);
            w = l - Math.log(l);
        } else {
            w = x / (1 + x); // rough but inside the basin of Halley's method
        }
        for (int it = 0; it < 50; it++) {
            double ew = Math.exp(w);
            double f = w * ew - x;
            double wp1 = w + 1;
            if (wp1 == 0) {
                break; // exactly at the branch point
            }
            double step = f / (ew * wp1 - (w + 2) * f / (2 * wp1));
            w -= step;
            if (Math.abs(step) <= 1e-16 * (1 + Math.abs(w))) {
                break;
            }
        }
        return w;
    }
}
