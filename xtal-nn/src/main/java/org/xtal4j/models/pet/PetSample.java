package org.xtal4j.models.pet;

import org.xtal4j.nn.model.Sample;

/**
 * One structure prepared for PET: its graph, the composition baseline Σ_i e_{s_i} (self-contributions, eV)
 * and, when known, the normalised energy label and the forces (eV/Å, 3 per atom).
 */
public record PetSample(PetGraph graph, double baseline, Double energyLabel, double[] forces) implements Sample {

    @Override
    public int atomCount() {
        return graph.atomCount();
    }

    @Override
    public boolean hasLabels() {
        return energyLabel != null;
    }
}
