package org.xtal4j.models.pet.ecse;

import ai.djl.ndarray.NDArray;
import org.xtal4j.nn.Scalars;

/**
 * The smooth switching functions of ECSE (spec pet.md §3.1, reference "tanh" mode), each as a plain double
 * function and as a differentiable NDArray function. With σ(t) = ½·tanh(1/(t+1) + 1/(t−1)) + ½:
 * <ul>
 * <li>cut-off f(r; R, Δ) = 1 for t ≤ −1, 0 for t ≥ 1, σ(t) between; t = 2(r − (R − Δ/2))/Δ;</li>
 * <li>switch-on q(s; w, Δ) = 0 for t ≤ −1, 1 for t ≥ 1, σ(−t) between; t = 2(s − (w + Δ/2))/Δ; with the
 *     linear multiplier, times (s − w)/Δ for s ≥ w;</li>
 * <li>SMax_β(v; w) = Σ w v e^{βv} / Σ w e^{βv} (smooth min with −β).</li>
 * </ul>
 * The NDArray forms evaluate σ on t clamped to [−1 + 1e−3, 1 − 1e−3]: there the tanh argument exceeds 999 in
 * magnitude, so σ is already exactly 0 or 1 (and its derivative exactly 0) in float32 and float64; clamping
 * therefore reproduces the piecewise definition bit for bit while never evaluating 1/0, whose NaN gradient
 * a masked {@code where} would still propagate.
 */
public final class Switching {

    private static final double CLAMP = 1e-3;

    private Switching() {
    }

    /** σ(t) for t in (−1, 1). */
    public static double sigma(double t) {
        return 0.5 * Math.tanh(1 / (t + 1) + 1 / (t - 1)) + 0.5;
    }

    public static double cutoff(double r, double rCut, double delta) {
        double t = 2.0 * (r - (rCut - 0.5 * delta)) / delta;
        if (t <= -1) {
            return 1;
        }
        if (t >= 1) {
            return 0;
        }
        return sigma(t);
    }

    public static double switchOn(double s, double w, double delta, boolean linear) {
        double t = 2.0 * (s - (w + 0.5 * delta)) / delta;
        double v = t <= -1 ? 0 : t >= 1 ? 1 : sigma(-t);
        if (linear && s >= w) {
            v *= (s - w) / delta;
        }
        return v;
    }

    public static double smoothMax(double[] values, double[] weights, double beta) {
        double num = 0;
        double den = 0;
        for (int k = 0; k < values.length; k++) {
            double e = Math.exp(values[k] * beta) * weights[k];
            den += e;
            num += e * values[k];
        }
        return num / den;
    }

    /** T(β) = W₀(e⁻¹)/β: the offset that makes SMax_β(a, b) + T(β) ≥ max(a, b). */
    public static double tBeta(double beta) {
        return LambertW.w0(Math.exp(-1.0)) / beta;
    }

    /** σ(t), elementwise and differentiable (t clamped, see the class comment). */
    public static NDArray sigma(NDArray t) {
        NDArray tc = t.clip(-1 + CLAMP, 1 - CLAMP);
        NDArray one = Scalars.of(tc, 1.0);
        NDArray arg = one.div(tc.add(1.0)).add(one.div(tc.sub(1.0)));
        return Scalars.mul(arg.tanh(), 0.5).add(0.5);
    }

    /** f(r; R, Δ) with a per-element (or broadcast) radius R. */
    public static NDArray cutoff(NDArray r, NDArray rCut, double delta) {
        NDArray t = Scalars.div(Scalars.mul(r.sub(rCut.sub(0.5 * delta)), 2.0), delta);
        return sigma(t);
    }

    public static NDArray cutoff(NDArray r, double rCut, double delta) {
        NDArray t = Scalars.div(Scalars.mul(r.sub(rCut - 0.5 * delta), 2.0), delta);
        return sigma(t);
    }

    /** q(s; w, Δ) with tensor w and Δ (the pruning switch uses w = 0.9·M, Δ = 0.1·M). */
    public static NDArray switchOn(NDArray s, NDArray w, NDArray delta, boolean linear) {
        NDArray t = Scalars.mul(s.sub(w.add(Scalars.mul(delta, 0.5))), 2.0).div(delta);
        NDArray v = sigma(t.neg());
        if (linear) {
            // q is exactly 0 for s < w, so the factor needs no mask there
            v = v.mul(s.sub(w).div(delta));
        }
        return v;
    }

    public static NDArray switchOn(NDArray s, double w, double delta, boolean linear) {
        NDArray t = Scalars.div(Scalars.mul(s.sub(w + 0.5 * delta), 2.0), delta);
        NDArray v = sigma(t.neg());
        if (linear) {
            v = v.mul(Scalars.div(s.sub(w), delta));
        }
        return v;
    }

    /** SMax_β(v; w) over a 1-D array (a 0-d result). */
    public static NDArray smoothMax(NDArray values, NDArray weights, double beta) {
        NDArray e = Scalars.mul(values, beta).exp().mul(weights);
        return e.mul(values).sum().div(e.sum());
    }
}
