package org.xtal4j.models.sitenet;

/**
 * A structure Site-Net cannot featurise (a NaN Magpie property, Z outside 1..99, partial occupancy).
 * The reference drops such crystals silently; this port says why.
 */
public final class SiteNetInputException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public SiteNetInputException(String message) {
        super(message);
    }
}
