package org.xtal4j.models.pet.ecse;

import ai.djl.ndarray.NDArray;

/**
 * A backbone with covariant vector outputs (spec pet.md §3.6): M row vectors (M, 3), e.g. a dipole (M = 1) or
 * per-atom vectors, predicted in the coordinate system of the edge vectors it is given. ECSE rotates each
 * frame's prediction back (v·Gᵀ) before averaging. An auxiliary model for vectors must itself be equivariant.
 */
@FunctionalInterface
public interface EcseVectorBackbone {

    NDArray vectors(NDArray rotatedEdgeVectors);
}
