package org.xtal4j.models.pet.ecse;

/**
 * Host results of {@link Ecse#energyAndForces}: E_S, forces (N, 3) = −∂E_S/∂r, the edge gradients
 * ∂E_S/∂x (E·3, row-major), the number of final frames and the auxiliary weight.
 */
public record EnergyAndForces(double energy, double[][] forces, double[] edgeGradients, int numFrames,
        double auxWeight) {
}
