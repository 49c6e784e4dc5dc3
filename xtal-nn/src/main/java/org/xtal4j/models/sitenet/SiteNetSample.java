package org.xtal4j.models.sitenet;

import java.util.Optional;
import org.xtal4j.nn.model.Sample;

/**
 * One crystal as Site-Net sees it: the raw features of its P1 sites against its supercell, the P1 cell's
 * size and volume (for the long-range analysis), the oversize note of {@link SiteNetSupercell} and, when
 * known, the normalised labels. {@link #atomCount()} is n, the number of unique (P1) sites, which is what
 * the reference's dynamic batches count (1200 per batch).
 */
public record SiteNetSample(SiteNetFeatures features, double p1Volume, String oversizeMessage, double[] labels)
        implements Sample {

    @Override
    public int atomCount() {
        return features.primitiveSize();
    }

    @Override
    public boolean hasLabels() {
        return labels != null;
    }

    /** The reference keeps crystals whose P1 cell exceeds max_atoms for testing but not for training. */
    public Optional<String> oversize() {
        return Optional.ofNullable(oversizeMessage);
    }
}
