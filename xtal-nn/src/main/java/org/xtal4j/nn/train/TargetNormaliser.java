package org.xtal4j.nn.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.structure.Structure;

/**
 * Target normalisation fitted on the training split (crystalformer.md §11, {@code normalize_targets}):
 * scale_bias: mean and population std; bias: mean, std 1; scale: mean 0, the population std; no: 0 and 1.
 * A constant target gets std 1.
 */
public final class TargetNormaliser {

    private TargetNormaliser() {
    }

    public enum Mode {
        SCALE_BIAS, BIAS, SCALE, NO;

        public static Mode parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "scale_bias" -> SCALE_BIAS;
                case "bias" -> BIAS;
                case "scale" -> SCALE;
                case "no", "none" -> NO;
                default -> throw new IllegalArgumentException("unknown normalize_targets '" + s
                        + "'; known: scale_bias, bias, scale, no");
            };
        }
    }

    /**
     * Fits from the structures' properties (numbers under the target names); structures lacking a target are
     * skipped for that target. Units are optional (missing → "").
     */
    public static Normalisation fit(List<Structure> training, List<String> targets, Map<String, String> units,
                                    Mode mode) {
        List<Normalisation.Target> out = new ArrayList<>();
        for (String t : targets) {
            List<Double> ys = new ArrayList<>();
            for (Structure s : training) {
                if (s.properties().get(t) instanceof Number n) {
                    ys.add(n.doubleValue());
                }
            }
            if (ys.isEmpty()) {
                throw new IllegalArgumentException("no training structure has a numeric value of target '" + t + "'");
            }
            double[] y = ys.stream().mapToDouble(Double::doubleValue).toArray();
            out.add(target(t, units == null ? "" : units.getOrDefault(t, ""), y, mode));
        }
        return new Normalisation(out);
    }

    /** One target from its training values. */
    public static Normalisation.Target target(String name, String unit, double[] y, Mode mode) {
        double mean = 0;
        for (double v : y) {
            mean += v;
        }
        mean /= y.length;
        double ss = 0;
        for (double v : y) {
            ss += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(ss / y.length);
        if (!(std > 0)) {
            std = 1;
        }
        return switch (mode) {
            case SCALE_BIAS -> new Normalisation.Target(name, unit, mean, std);
            case BIAS -> new Normalisation.Target(name, unit, mean, 1);
            case SCALE -> new Normalisation.Target(name, unit, 0, std);
            case NO -> new Normalisation.Target(name, unit, 0, 1);
        };
    }
}
