package org.xtal4j.models.pet.ecse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

/**
 * The seam between ECSE and a backbone (e.g. PET): the scalar energy of one structure whose edge vectors
 * (E, 3), in the structure's edge order, are given in some coordinate system. The returned 0-d (or 1-element)
 * array must be differentiable in the vectors (forces flow through it). Everything else the backbone needs
 * (species, neighbour lists, reverse-edge index) is fixed per structure and captured by the implementation.
 */
@FunctionalInterface
public interface EcseBackbone {

    /** E_0(X') for edge vectors X' (E, 3). */
    NDArray energy(NDArray rotatedEdgeVectors);

    /**
     * Energies (K) of K rotated copies (K, E, 3). Override to evaluate the copies as one batch (the reference
     * batches BATCH_SIZE_SP frames); the default calls {@link #energy} K times.
     */
    default NDArray energies(NDArray rotatedCopies) {
        long k = rotatedCopies.getShape().get(0);
        NDList out = new NDList();
        for (long c = 0; c < k; c++) {
            out.add(energy(rotatedCopies.get(new NDIndex(c))).reshape(1));
        }
        return NDArrays.concat(out);
    }
}
