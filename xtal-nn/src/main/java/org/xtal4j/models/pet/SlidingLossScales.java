package org.xtal4j.models.pet;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.xtal4j.nn.model.Batch;
import org.xtal4j.nn.model.ModelPlugin;

/**
 * The reference's sliding loss scales σ_E (eV) and σ_F (eV/Å) as the trainer's per-run state (pet.md §4):
 * after every epoch, σ ← s·σ + (1 − s)·RMSE_val with s = {@code SLIDING_FACTOR}, from the energy RMSE per
 * structure and the force RMSE per Cartesian component over the whole validation split. They slide only when
 * the validation batches had force outputs and labels (energy + force training); energy-only training keeps
 * them, as the reference's plain energy MSE does not use them. The stress scale σ_S (an extension: the
 * reference has no stresses) slides the same way when validation structures had stress labels.
 */
public final class SlidingLossScales implements ModelPlugin.TrainingState {

    private final double factor;
    private final double energyStd;
    private double sigmaEnergy;
    private double sigmaForces;
    private double sigmaStress;
    private double s2;
    private long sn;
    private double e2;
    private long en;
    private double f2;
    private long fn;

    /**
     * @param factor      the sliding factor s (1: fixed scales)
     * @param energyStd   the normalisation std of the energy (eV): predictions and labels are divided by it
     * @param sigmaEnergy initial σ_E (eV)
     * @param sigmaForces initial σ_F (eV/Å)
     * @param sigmaStress initial σ_S (eV/Å³)
     */
    public SlidingLossScales(double factor, double energyStd, double sigmaEnergy, double sigmaForces,
                             double sigmaStress) {
        this.factor = factor;
        this.energyStd = energyStd;
        this.sigmaEnergy = sigmaEnergy;
        this.sigmaForces = sigmaForces;
        this.sigmaStress = sigmaStress;
    }

    public double sigmaStress() {
        return sigmaStress;
    }

    public double sigmaEnergy() {
        return sigmaEnergy;
    }

    public double sigmaForces() {
        return sigmaForces;
    }

    /** σ_E in the normalised energy units of the loss (σ_E / std). */
    double normalisedSigmaEnergy() {
        return sigmaEnergy / energyStd;
    }

    @Override
    public void observeValidation(NDList outputs, Batch batch) {
        if (batch.labels().isEmpty() || !outputs.contains(ModelPlugin.OUTPUT_FORCES) || batch.labels().size() < 2) {
            return;
        }
        double[] p = values(outputs.get(ModelPlugin.OUTPUT_PREDICTION));
        double[] y = values(batch.labels().get(0));
        for (int b = 0; b < p.length; b++) {
            double d = (p[b] - y[b]) * energyStd;
            e2 += d * d;
        }
        en += p.length;
        double[] f = values(outputs.get(ModelPlugin.OUTPUT_FORCES));
        double[] g = values(batch.labels().get(1));
        for (int k = 0; k < f.length; k++) {
            double d = f[k] - g[k];
            f2 += d * d;
        }
        fn += f.length;
        if (batch.labels().size() >= 4 && outputs.contains(PetPlugin.OUTPUT_STRESS)) {
            double[] p3 = values(outputs.get(PetPlugin.OUTPUT_STRESS));
            double[] y3 = values(batch.labels().get(2));
            double[] mask = values(batch.labels().get(3));
            for (int b = 0; b < mask.length; b++) {
                if (mask[b] == 0) {
                    continue;
                }
                for (int a = 0; a < 3; a++) {
                    for (int c = 0; c < 3; c++) {
                        double d = 0.5 * (p3[9 * b + 3 * a + c] + p3[9 * b + 3 * c + a]) - y3[9 * b + 3 * a + c];
                        s2 += d * d;
                    }
                }
                sn += 9;
            }
        }
    }

    private static double[] values(ai.djl.ndarray.NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    @Override
    public void endEpoch(int epoch) {
        if (en > 0 && fn > 0) {
            sigmaEnergy = PetLoss.slide(sigmaEnergy, Math.sqrt(e2 / en), factor);
            sigmaForces = PetLoss.slide(sigmaForces, Math.sqrt(f2 / fn), factor);
            if (sn > 0) {
                sigmaStress = PetLoss.slide(sigmaStress, Math.sqrt(s2 / sn), factor);
            }
        }
        s2 = 0;
        sn = 0;
        e2 = 0;
        en = 0;
        f2 = 0;
        fn = 0;
    }

    @Override
    public JsonNode save() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("sigma_energy", sigmaEnergy);
        o.put("sigma_forces", sigmaForces);
        o.put("sigma_stress", sigmaStress);
        return o;
    }

    @Override
    public void restore(JsonNode saved) {
        sigmaEnergy = saved.get("sigma_energy").asDouble();
        sigmaForces = saved.get("sigma_forces").asDouble();
        sigmaStress = saved.path("sigma_stress").asDouble(sigmaStress);
    }
}
