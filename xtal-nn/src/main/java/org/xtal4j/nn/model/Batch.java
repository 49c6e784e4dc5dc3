package org.xtal4j.nn.model;

import ai.djl.ndarray.NDList;
import java.util.List;
import java.util.Objects;

/**
 * A collated batch: the model inputs and, for training and evaluation, the labels, as NDArrays owned by the
 * manager given to {@link ModelPlugin#collate}. Closing the batch closes both lists.
 *
 * @param inputs  model inputs, in the order the plugin's forward expects (arrays may be named)
 * @param labels  label arrays (e.g. normalised targets [B, T], forces [N, 3]); empty without labels
 * @param samples the samples the batch was made from, in batch order
 * @param host    host-side data the plugin computed while collating and reads in its forward (e.g. geometry
 *                that plain-Java kernels use), or null
 */
public record Batch(NDList inputs, NDList labels, List<? extends Sample> samples, Object host)
        implements AutoCloseable {

    public Batch {
        Objects.requireNonNull(inputs, "inputs");
        labels = labels == null ? new NDList() : labels;
        samples = List.copyOf(samples);
    }

    /** A batch without host-side data. */
    public Batch(NDList inputs, NDList labels, List<? extends Sample> samples) {
        this(inputs, labels, samples, null);
    }

    /** Number of structures. */
    public int size() {
        return samples.size();
    }

    @Override
    public void close() {
        inputs.close();
        labels.close();
    }
}
