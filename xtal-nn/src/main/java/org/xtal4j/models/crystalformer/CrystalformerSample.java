package org.xtal4j.models.crystalformer;

import org.xtal4j.nn.model.Sample;

/**
 * One crystal as Crystalformer sees it: lattice rows t1, t2, t3 (Å), Cartesian positions (Å, not wrapped),
 * occupancy-weighted one-hot features (n × 98, index Z − 1) and, when known, the normalised labels.
 * Immutable by convention (arrays are not copied on access for speed; do not modify them).
 */
public record CrystalformerSample(double[][] lattice, double[][] positions, double[] features, double[] labels)
        implements Sample {

    public CrystalformerSample {
        if (lattice.length != 3 || positions.length == 0
                || features.length != positions.length * CrystalformerConfig.ATOM_FEATURES) {
            throw new IllegalArgumentException("a Crystalformer sample needs a 3×3 lattice, at least one atom and "
                    + CrystalformerConfig.ATOM_FEATURES + " features per atom");
        }
    }

    @Override
    public int atomCount() {
        return positions.length;
    }

    @Override
    public boolean hasLabels() {
        return labels != null;
    }
}
