package org.xtal4j.nn.train;

import java.util.Arrays;
import java.util.Locale;

/**
 * Learning-rate factor (multiplies the configured lr) as a function of the optimiser steps taken so far and
 * the current epoch (0-based). Per-step schedules ignore the epoch and per-epoch ones the step, exactly as
 * the references step their schedulers (Crystalformer per optimiser step, PET per epoch).
 */
@FunctionalInterface
public interface LrSchedule {

    /**
     * @param step  optimiser steps completed before the step about to be taken (0 for the first)
     * @param epoch the current epoch, 0-based
     */
    double factor(long step, int epoch);

    /** Constant learning rate. */
    static LrSchedule constant() {
        return (s, e) -> 1.0;
    }

    /** Crystalformer's {@code inverse_sqrt_nowarmup}: sqrt(T / (T + step)) (a decay, no warm-up). */
    static LrSchedule inverseSqrtNoWarmup(double t) {
        return (s, e) -> Math.sqrt(t / (t + s));
    }

    /**
     * Inverse square root with a linear warm-up over W steps: min((step+1)/W, sqrt(W/(step+1))). The
     * reference's formula for its warm-up variant is not in the spec; this is the common (Vaswani) form.
     */
    static LrSchedule inverseSqrtWarmup(double w) {
        return (s, e) -> Math.min((s + 1) / w, Math.sqrt(w / (s + 1)));
    }

    /** γ = 0.1 at each listed optimiser-step count (Crystalformer's {@code multistep}). */
    static LrSchedule multiStep(double... milestones) {
        double[] m = milestones.clone();
        return (s, e) -> {
            int passed = 0;
            for (double x : m) {
                if (s >= x) {
                    passed++;
                }
            }
            return Math.pow(0.1, passed);
        };
    }

    /**
     * PET (per epoch): linear warm-up epoch/W for epoch &lt; W, then 0.5^⌊(epoch − W)/S⌋ (StepLR γ = 0.5).
     */
    static LrSchedule warmupStepHalving(int warmupEpochs, int stepEpochs) {
        return (s, e) -> e < warmupEpochs ? (double) e / warmupEpochs
                : Math.pow(0.5, Math.floorDiv(e - warmupEpochs, stepEpochs));
    }

    /**
     * By name and parameters: {@code const}; {@code inverse_sqrt_nowarmup [T]}; {@code inverse_sqrt_warmup
     * [W]}; {@code multistep [m1, m2, ...]}; {@code step_halving [warm-up epochs, step epochs]}.
     */
    static LrSchedule of(String name, double... params) {
        String n = name.toLowerCase(Locale.ROOT);
        switch (n) {
            case "const":
            case "constant":
                return constant();
            case "inverse_sqrt_nowarmup":
                need(n, params, 1);
                return inverseSqrtNoWarmup(params[0]);
            case "inverse_sqrt_warmup":
                need(n, params, 1);
                return inverseSqrtWarmup(params[0]);
            case "multistep":
                return multiStep(params);
            case "step_halving":
                need(n, params, 2);
                if (params[1] < 1 || params[0] < 0) {
                    throw new IllegalArgumentException("step_halving needs warm-up >= 0 and step >= 1 epochs, got "
                            + Arrays.toString(params));
                }
                return warmupStepHalving((int) params[0], (int) params[1]);
            default:
                throw new IllegalArgumentException("unknown lr_sch '" + name + "'; known: const, "
                        + "inverse_sqrt_nowarmup, inverse_sqrt_warmup, multistep, step_halving");
        }
    }

    private static void need(String name, double[] params, int n) {
        if (params.length != n || Arrays.stream(params).anyMatch(p -> !(p > 0) && n == 1)) {
            throw new IllegalArgumentException("lr_sch " + name + " needs sch_params of " + n + " value(s) (> 0), got "
                    + Arrays.toString(params));
        }
    }
}
