package org.xtal4j.models.pet;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.xtal4j.models.pet.ecse.EcseConfig;
import org.xtal4j.models.pet.ecse.EnergyAndForces;
import org.xtal4j.nn.Autograd;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.model.Batch;
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.structure.Structure;

/**
 * Energies (eV, self-contributions included), forces (eV/Å) and, for periodic structures, stresses (eV/Å³) of a
 * trained PET: with the raw backbone, or symmetrised with ECSE ({@link #withEcse}; structures are then evaluated
 * one at a time, and one without any ECSE frame throws {@link org.xtal4j.models.pet.ecse.EcseException}).
 *
 * <p>The stress is σ = (1/V) ∂E/∂ε under a homogeneous strain of positions and cell, x → x·(I + ε) for every
 * edge vector (ASE's convention, positive = tensile), symmetrised: the derivative with respect to a symmetric
 * strain. For the ECSE energy, which is exactly rotation-invariant, the full derivative is symmetric to rounding;
 * for the raw backbone it is not, and {@link Prediction#stressAntisymmetry} reports the part left out.
 */
public final class PetPredictor {

    /**
     * The prediction of one structure.
     *
     * @param stress            (1/V)·∂E/∂ε for symmetric strains ε (3×3, symmetric, eV/Å³), null unless the
     *                          structure is periodic along all three axes
     * @param stressAntisymmetry max |σ_ab − σ_ba|/2 of the full strain derivative, the part left out of
     *                          {@code stress} (the torque of a rotation, 0 for a rotation-invariant energy);
     *                          0 without stress
     */
    public record Prediction(double energy, double[][] forces, double[][] stress, double stressAntisymmetry) {

        /** A prediction without stress (a structure that is not periodic). */
        public Prediction(double energy, double[][] forces) {
            this(energy, forces, null, 0);
        }

        /** From the full strain derivative {@code fullStress} (null: no stress), symmetrised. */
        static Prediction of(double energy, double[][] forces, double[][] fullStress) {
            if (fullStress == null) {
                return new Prediction(energy, forces);
            }
            double[][] sym = new double[3][3];
            double anti = 0;
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    sym[a][b] = 0.5 * (fullStress[a][b] + fullStress[b][a]);
                    anti = Math.max(anti, 0.5 * Math.abs(fullStress[a][b] - fullStress[b][a]));
                }
            }
            return new Prediction(energy, forces, sym, anti);
        }

        /** The stress as ASE writes it to extended XYZ: 9 numbers, row-major; null without stress. */
        public double[] stressRowMajor() {
            if (stress == null) {
                return null;
            }
            double[] out = new double[9];
            for (int a = 0; a < 3; a++) {
                System.arraycopy(stress[a], 0, out, 3 * a, 3);
            }
            return out;
        }
    }

    private final PetPlugin plugin = new PetPlugin();
    private final ModelSetup setup;
    private final PetBlock block;
    private final ParameterStore store;
    private final NDManager manager;
    private final PetEcse ecse;

    /** The raw backbone. @param block a block holding trained weights; {@code manager} owns them */
    public PetPredictor(ModelSetup setup, PetBlock block, NDManager manager) {
        this(setup, block, manager, null);
    }

    private PetPredictor(ModelSetup setup, PetBlock block, NDManager manager, EcseConfig ecseConfig) {
        this.setup = setup;
        this.block = block;
        this.manager = manager;
        this.store = new ParameterStore(manager, false);
        this.ecse = ecseConfig == null ? null : new PetEcse(block, store, ecseConfig);
    }

    /** The same model symmetrised with ECSE (see {@link PetEcse#config} for the configuration of a model). */
    public PetPredictor withEcse(EcseConfig config) {
        return new PetPredictor(setup, block, manager, config);
    }

    /** True when predictions are ECSE-symmetrised. */
    public boolean ecse() {
        return ecse != null;
    }

    /** Predicts a batch of structures (throws IllegalArgumentException for a structure PET cannot take). */
    public List<Prediction> predict(List<Structure> structures) {
        List<Sample> samples = new ArrayList<>();
        for (Structure s : structures) {
            samples.add(plugin.prepare(stripLabels(s), setup));
        }
        Normalisation.Target t = setup.normalisation().targets().get(0);
        List<Prediction> out = new ArrayList<>();
        if (ecse != null) {
            for (Sample sample : samples) {
                PetSample s = (PetSample) sample;
                EnergyAndForces r = ecse.energyAndForces(s.graph(), manager);
                double[][] st = s.periodic() ? PetBackbone.stress(s.graph().vectors(), r.edgeGradients(), s.volume())
                        : null;   // the same strain derivative, of the symmetrised energy
                out.add(Prediction.of(r.energy() + s.baseline(), r.forces(), st));   // E_S is in eV already
            }
            return out;
        }
        try (NDManager sm = manager.newSubManager(); NDScope scope = new NDScope()) {
            Backend.get().ensureFlushDenormal();
            Batch batch = plugin.collate(samples, sm, setup);
            double[] e;
            double[] f;
            double[] st = null;
            try (GradientCollector gc = Backend.get().engine().newGradientCollector()) {
                NDList o = plugin.forward(block, store, batch, false, false, setup);
                e = o.get(ModelPlugin.OUTPUT_PREDICTION).toType(DataType.FLOAT64, false).toDoubleArray();
                f = o.get(ModelPlugin.OUTPUT_FORCES).toType(DataType.FLOAT64, false).toDoubleArray();
                if (o.contains(PetPlugin.OUTPUT_STRESS)) {
                    st = o.get(PetPlugin.OUTPUT_STRESS).toType(DataType.FLOAT64, false).toDoubleArray();
                }
            }
            Autograd.detachGrads(PetPlugin.parameterArrays(block));
            Autograd.detachGrad(batch.inputs().get(0));
            int off = 0;
            for (int b = 0; b < samples.size(); b++) {
                PetSample s = (PetSample) samples.get(b);
                double[][] fs = new double[s.atomCount()][3];
                for (int i = 0; i < fs.length; i++) {
                    for (int a = 0; a < 3; a++) {
                        fs[i][a] = f[3 * (off + i) + a];
                    }
                }
                off += s.atomCount();
                double[][] sb = null;
                if (s.periodic() && st != null) {
                    sb = new double[3][3];
                    for (int a = 0; a < 3; a++) {
                        System.arraycopy(st, 9 * b + 3 * a, sb[a], 0, 3);
                    }
                }
                out.add(Prediction.of(t.denormalise(e[b]) + s.baseline(), fs, sb));
            }
        }
        return out;
    }

    /** Labels are not needed for prediction (and forces of another shape must not matter). */
    private static Structure stripLabels(Structure s) {
        return s.siteProperties().containsKey(PetPlugin.FORCES) ? s.toBuilder().clearSiteProperties().build() : s;
    }

    /** For ensembles and tests: the setup this predictor uses. */
    public ModelSetup setup() {
        return setup;
    }

    /** Convenience for model files: a block of the setup's shape with the given weights loaded by the caller. */
    public static PetBlock newBlock(ModelSetup setup, NDManager manager) {
        PetPlugin p = new PetPlugin();
        PetBlock b = (PetBlock) p.newBlock(setup);
        p.initialize(b, manager, setup);
        return b;
    }
}
