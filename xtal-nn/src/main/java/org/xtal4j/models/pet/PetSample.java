package org.xtal4j.models.pet;

import org.xtal4j.nn.model.Sample;

/**
 * One structure prepared for PET: its graph, the composition baseline Σ_i e_{s_i} (self-contributions, eV),
 * when known the normalised energy label and the forces (eV/Å, 3 per atom), the cell volume (Å³; 0 unless the
 * structure is periodic along all three axes, where stresses are defined) and, when known, the stress label
 * (eV/Å³, 9 numbers row-major, ASE sign convention).
 */
public record PetSample(PetGraph graph, double baseline, Double energyLabel, double[] forces, double volume,
                        double[] stress) implements Sample {

    /** A sample without volume (non-periodic) or stress. */
    public PetSample(PetGraph graph, double baseline, Double energyLabel, double[] forces) {
        this(graph, baseline, energyLabel, forces, 0, null);
    }

    /** True when the structure is periodic along all three axes (stress is defined). */
    public boolean periodic() {
        return volume > 0;
    }

    @Override
    public int atomCount() {
        return graph.atomCount();
    }

    @Override
    public boolean hasLabels() {
        return energyLabel != null;
    }
}
