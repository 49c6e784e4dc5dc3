package org.xtal4j.models.pet.ecse;

import ai.djl.ndarray.NDArray;

/**
 * The symmetrised energy E_S (0-d, differentiable in the edge vectors), the frame ensemble it used, the
 * backbone energies of the rotated copies (F·n_aug, rotation-major: copy a·F + f is frame f times R_a;
 * null without frames) and the normaliser n_aug·Σ w_f (+ w_aux with an aux model).
 */
public record EcseResult(NDArray energy, EcseFrames frames, NDArray frameEnergies, NDArray normaliser) {

    public double energyValue() {
        return Tensors.scalar(energy);
    }
}
