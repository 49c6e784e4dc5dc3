package org.xtal4j.models.pet;

import ai.djl.ndarray.NDArray;
import org.xtal4j.nn.Scalars;

/**
 * The reference's energy + force loss (pet.md §4): L = w_E·MSE(E)/σ_E² + MSE(F)/σ_F², MSE(E) over
 * structures, MSE(F) over all Cartesian components. Energy-only fitting uses w_E·MSE(E)/σ_E².
 */
public final class PetLoss {

    private PetLoss() {
    }

    /**
     * @param energy       predicted energies (B) or (B, 1)
     * @param energyTarget target energies, same shape
     * @param forces       predicted forces (N, 3), or null for energy-only
     * @param forceTarget  target forces (N, 3), or null
     */
    public static NDArray loss(NDArray energy, NDArray energyTarget, NDArray forces, NDArray forceTarget,
                               double energyWeight, double sigmaE, double sigmaF) {
        NDArray le = Scalars.mul(energy.sub(energyTarget).square().mean(), energyWeight / (sigmaE * sigmaE));
        if (forces == null || forceTarget == null) {
            return le;
        }
        return le.add(Scalars.div(forces.sub(forceTarget).square().mean(), sigmaF * sigmaF));
    }

    /**
     * The stress term w_S·MSE(σ)/σ_S² (not in the reference, which has no stresses): the mean over the 9
     * components of the structures whose mask is 1; the predicted stress is symmetrised first.
     *
     * @param stress       predicted stresses (B, 3, 3), the full strain derivative
     * @param stressTarget target stresses (B, 9), row-major (any values where the mask is 0)
     * @param mask         (B, 1): 1 for structures with a stress label, else 0; at least one 1
     */
    public static NDArray stressTerm(NDArray stress, NDArray stressTarget, NDArray mask, double weight,
                                     double sigmaS, double labelled) {
        long b = stress.getShape().get(0);
        NDArray sym = stress.add(stress.transpose(0, 2, 1)).reshape(b, 9);
        NDArray d = Scalars.mul(sym, 0.5).sub(stressTarget).square().mul(mask);
        return Scalars.mul(d.sum(), weight / (sigmaS * sigmaS * 9 * labelled));
    }

    /** The reference's sliding update of a loss scale after an epoch: σ ← 0.7σ + 0.3·RMSE_val. */
    public static double slide(double sigma, double validationRmse) {
        return slide(sigma, validationRmse, 0.7);
    }

    /** The sliding update with the reference's SLIDING_FACTOR s: σ ← s·σ + (1 − s)·RMSE_val. */
    public static double slide(double sigma, double validationRmse, double factor) {
        return factor * sigma + (1 - factor) * validationRmse;
    }
}
