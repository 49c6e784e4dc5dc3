package org.xtal4j.nn.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How each target was normalised for training: the network learns (y − offset(composition) − mean) / std,
 * predictions are mapped back with the inverse. The optional per-element offsets are a composition
 * baseline (PET's self-contributions: Σ over atoms of a per-species energy); empty for most models.
 * Stored as {@code normalisation.json} in the model file.
 */
public record Normalisation(List<Target> targets) {

    /** One target: name as in the data set, unit for reports, mean and std, optional per-element offsets. */
    public record Target(String name, String unit, double mean, double std, Map<String, Double> elementOffsets) {
        public Target {
            Objects.requireNonNull(name, "name");
            unit = unit == null ? "" : unit;
            if (!Double.isFinite(mean) || !Double.isFinite(std) || std <= 0) {
                throw new IllegalArgumentException("target '" + name + "': mean " + mean + " and std " + std
                        + " must be finite with std > 0");
            }
            elementOffsets = Map.copyOf(elementOffsets == null ? Map.of() : elementOffsets);
        }

        public Target(String name, String unit, double mean, double std) {
            this(name, unit, mean, std, Map.of());
        }

        /** Σ over elements of amount × offset (0 without offsets); amounts keyed by element symbol. */
        public double baseline(Map<String, ? extends Number> amounts) {
            double b = 0;
            for (Map.Entry<String, ? extends Number> e : amounts.entrySet()) {
                Double off = elementOffsets.get(e.getKey());
                if (off == null && !elementOffsets.isEmpty()) {
                    throw new IllegalArgumentException("target '" + name + "' has no offset for element "
                            + e.getKey());
                }
                b += off == null ? 0 : e.getValue().doubleValue() * off;
            }
            return b;
        }

        /** (y − mean) / std, without the composition baseline. */
        public double normalise(double y) {
            return (y - mean) / std;
        }

        /** Inverse of {@link #normalise}. */
        public double denormalise(double z) {
            return z * std + mean;
        }
    }

    public Normalisation {
        targets = List.copyOf(targets);
        Map<String, Target> seen = new LinkedHashMap<>();
        for (Target t : targets) {
            if (seen.put(t.name(), t) != null) {
                throw new IllegalArgumentException("target '" + t.name() + "' appears twice");
            }
        }
    }

    /** Identity normalisation (mean 0, std 1) for the given target names. */
    public static Normalisation identity(List<String> names) {
        return new Normalisation(names.stream().map(n -> new Target(n, "", 0, 1)).toList());
    }

    public List<String> names() {
        return targets.stream().map(Target::name).toList();
    }

    public Target target(String name) {
        return targets.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no target '" + name + "'; known: " + names()));
    }

    public int size() {
        return targets.size();
    }
}
