package org.xtal4j.nn.model;

/**
 * One structure prepared for a model in plain Java (features and geometry precomputed, labels attached
 * when known). Produced by {@link ModelPlugin#prepare}; immutable, so data sets can cache samples and
 * prepare them on several threads. The concrete class belongs to the plugin.
 */
public interface Sample {

    /** Atoms (sites) in the structure as the model sees it; the trainer buckets batches by this. */
    int atomCount();

    /** Whether the sample carries training labels (false for structures given only for prediction). */
    boolean hasLabels();
}
