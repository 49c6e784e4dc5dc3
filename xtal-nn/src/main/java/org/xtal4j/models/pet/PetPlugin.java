package org.xtal4j.models.pet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xtal4j.nn.Autograd;
import org.xtal4j.nn.Scalars;
import org.xtal4j.nn.model.Batch;
import org.xtal4j.nn.model.ModelConfig;
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Structure;
import org.xtal4j.nn.HostArrays;

/**
 * PET (Pozdnyakov &amp; Ceriotti, NeurIPS 2023) as a {@link ModelPlugin}: the backbone of pet.md §2 trained on
 * energies and forces. One target, the energy (eV per structure, e.g. {@code energy}); forces come from the
 * structures' {@code forces} site property (eV/Å, ASE convention).
 *
 * <p>Energies: the normalisation's per-element offsets are the self-contributions, so the network learns
 * (E − Σ_i e_{s_i} − mean)/std; {@link #fitToTrainingData} fits them (ridge, α = 1e-10), sets mean 0 and
 * std = σ_E (population std of the corrected training energies), and σ_F = RMS of the training force
 * components. Forward: edge vectors (E, 3) are a leaf that requires a gradient; while training each
 * structure's vectors are rotated by a random O(3) matrix; forces = −∂E/∂r by a create-graph backward.
 * Loss: w_E·MSE(E)/σ_E² + MSE(F)/σ_F² as the reference; in training steps the σ's are the run's
 * {@link SlidingLossScales} ({@link #newTrainingState}), which slide with the validation RMSE after every
 * epoch; the validation loss keeps the initial σ's so that epochs compare.
 * The symmetrisation (ECSE) is not applied here: predictions are the raw backbone's.
 */
public final class PetPlugin implements ModelPlugin {

    public static final String NAME = "pet";
    /** Site property holding forces (extxyz / ASE). */
    public static final String FORCES = "forces";
    /** Frame property of the stress (eV/Å³, 9 numbers row-major, ASE sign: positive = tensile). */
    public static final String STRESS = "stress";
    /** Frame property of the virial (eV), −stress·V, the alternative label of extxyz files. */
    public static final String VIRIAL = "virial";
    /** Output (B, 3, 3): stress (1/V) ∂E/∂ε, eV/Å³; rows of structures that are not periodic are 0. */
    public static final String OUTPUT_STRESS = "stress";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "PET: point edge transformer for energies and forces (NeurIPS 2023), backbone without ECSE";
    }

    @Override
    public ModelConfig parseConfig(JsonNode hyperParameters) {
        return PetConfig.fromJson(hyperParameters);
    }

    static PetConfig config(ModelSetup setup) {
        return (PetConfig) setup.config();
    }

    @Override
    public Block newBlock(ModelSetup setup) {
        if (setup.targetNames().size() != 1) {
            throw new IllegalArgumentException("pet predicts one target, the energy; got " + setup.targetNames());
        }
        return new PetBlock(config(setup), setup.elements().size());
    }

    @Override
    public void initialize(Block block, NDManager manager, ModelSetup setup) {
        block.initialize(manager, setup.precision().dataType(), new Shape(1, 3));
        ((PetBlock) block).initializeReference(manager);
    }

    @Override
    public ModelSetup fitToTrainingData(ModelSetup setup, List<Structure> training) {
        String target = setup.targetNames().get(0);
        List<Map<String, Integer>> counts = new ArrayList<>();
        List<Double> energies = new ArrayList<>();
        double f2 = 0;
        long fn = 0;
        double s2 = 0;
        long sn = 0;
        for (Structure s : training) {
            double[] st = s.isFullyPeriodic() ? stressLabel(s, s.lattice().volume()) : null;
            if (st != null) {
                for (double v : st) {
                    s2 += v * v;
                    sn++;
                }
            }
            if (s.properties().get(target) instanceof Number n) {
                counts.add(counts(s));
                energies.add(n.doubleValue());
            }
            double[][] f = s.siteProperties().get(FORCES);
            if (f != null) {
                for (double[] r : f) {
                    for (double v : r) {
                        f2 += v * v;
                        fn++;
                    }
                }
            }
        }
        double[] e = energies.stream().mapToDouble(Double::doubleValue).toArray();
        Map<String, Double> offsets = SelfContributions.fit(counts, e);
        double[] corrected = new double[e.length];
        double mean = 0;
        for (int k = 0; k < e.length; k++) {
            double base = 0;
            for (Map.Entry<String, Integer> c : counts.get(k).entrySet()) {
                base += c.getValue() * offsets.get(c.getKey());
            }
            corrected[k] = e[k] - base;
            mean += corrected[k] / e.length;
        }
        double var = 0;
        for (double c : corrected) {
            var += (c - mean) * (c - mean) / e.length;
        }
        double sigmaE = var > 0 ? Math.sqrt(var) : 1;
        Normalisation.Target old = setup.normalisation().targets().get(0);
        Normalisation norm = new Normalisation(List.of(new Normalisation.Target(target, old.unit(), 0, sigmaE,
                offsets)));
        PetConfig c = config(setup).toBuilder().energySigma(sigmaE)
                .forceSigma(fn > 0 ? Math.sqrt(f2 / fn) : 0).stressSigma(s2 > 0 ? Math.sqrt(s2 / sn) : 0).build();
        return new ModelSetup(c, norm, setup.elements(), setup.precision());
    }

    static Map<String, Integer> counts(Structure s) {
        Map<String, Integer> c = new LinkedHashMap<>();
        for (int z : s.atomicNumbers()) {
            c.merge(Element.of(z).symbol(), 1, Integer::sum);
        }
        return c;
    }

    @Override
    public Sample prepare(Structure s, ModelSetup setup) {
        PetConfig cfg = config(setup);
        PetGraph g = PetGraph.of(s, cfg.rCut(), z -> {
            String sym = Element.of(z).symbol();
            int i = setup.elementIndex(sym);
            if (i < 0) {
                throw new IllegalArgumentException("element " + sym + " is not in the model's species "
                        + setup.elements());
            }
            return i;
        });
        Normalisation.Target t = setup.normalisation().targets().get(0);
        double baseline = t.baseline(counts(s));
        Double label = null;
        if (s.properties().get(t.name()) instanceof Number n) {
            label = t.normalise(n.doubleValue() - baseline);
        }
        double[] forces = null;
        double[][] f = s.siteProperties().get(FORCES);
        if (f != null) {
            forces = new double[3 * s.size()];
            for (int i = 0; i < s.size(); i++) {
                System.arraycopy(f[i], 0, forces, 3 * i, 3);
            }
        }
        double volume = s.isFullyPeriodic() ? s.lattice().volume() : 0;
        return new PetSample(g, baseline, label, forces, volume, volume > 0 ? stressLabel(s, volume) : null);
    }

    /** The stress label of a periodic structure: {@code stress} (9 or Voigt 6) or −{@code virial}/V; else null. */
    public static double[] stressLabel(Structure s, double volume) {
        double[] st = nineNumbers(s.properties().get(STRESS));
        if (st != null) {
            return st;
        }
        double[] v = nineNumbers(s.properties().get(VIRIAL));
        if (v == null) {
            return null;
        }
        for (int k = 0; k < 9; k++) {
            v[k] = -v[k] / volume;
        }
        return v;
    }

    private static double[] nineNumbers(Object o) {
        if (!(o instanceof double[] a)) {
            return null;
        }
        if (a.length == 9) {
            return a.clone();
        }
        if (a.length == 6) {   // Voigt xx yy zz yz xz xy
            return new double[] {a[0], a[5], a[4], a[5], a[1], a[3], a[4], a[3], a[2]};
        }
        return null;
    }

    /** 1/V per sample, 0 for structures that are not periodic. */
    static double[] inverseVolumes(List<? extends Sample> samples) {
        double[] out = new double[samples.size()];
        for (int b = 0; b < out.length; b++) {
            double v = ((PetSample) samples.get(b)).volume();
            out[b] = v > 0 ? 1 / v : 0;
        }
        return out;
    }

    /** Inputs: edge vectors (E, 3), a leaf requiring a gradient. Labels: energies (B, 1), forces (N, 3) if all have them. */
    @Override
    public Batch collate(List<? extends Sample> samples, NDManager manager, ModelSetup setup) {
        DataType type = setup.precision().dataType();
        PetGraph g = graph(samples);
        NDArray x = g.edgeVectors(manager, type);
        x.setRequiresGradient(true);
        boolean labels = samples.stream().allMatch(Sample::hasLabels);
        NDList lab = new NDList();
        if (labels) {
            double[] y = new double[samples.size()];
            for (int b = 0; b < y.length; b++) {
                y[b] = ((PetSample) samples.get(b)).energyLabel();
            }
            lab.add(HostArrays.of(manager, y, type, new Shape(y.length, 1)));
            if (samples.stream().allMatch(s -> ((PetSample) s).forces() != null)) {
                double[] f = new double[3 * g.atomCount()];
                int off = 0;
                for (Sample s : samples) {
                    double[] sf = ((PetSample) s).forces();
                    System.arraycopy(sf, 0, f, off, sf.length);
                    off += sf.length;
                }
                lab.add(HostArrays.of(manager, f, type, new Shape(g.atomCount(), 3)));
                if (config(setup).useStresses() && samples.stream().anyMatch(s -> ((PetSample) s).stress() != null)) {
                    double[] st = new double[9 * samples.size()];
                    double[] mask = new double[samples.size()];
                    for (int b = 0; b < mask.length; b++) {
                        double[] sb = ((PetSample) samples.get(b)).stress();
                        if (sb != null) {
                            System.arraycopy(sb, 0, st, 9 * b, 9);
                            mask[b] = 1;
                        }
                    }
                    lab.add(HostArrays.of(manager, st, type, new Shape(mask.length, 9)));
                    lab.add(HostArrays.of(manager, mask, type, new Shape(mask.length, 1)));
                }
            }
        }
        return new Batch(new NDList(x), lab, samples);
    }

    static PetGraph graph(List<? extends Sample> samples) {
        List<PetGraph> gs = new ArrayList<>(samples.size());
        for (Sample s : samples) {
            gs.add(((PetSample) s).graph());
        }
        return PetGraph.batch(gs);
    }

    /**
     * Normalised energies (B, 1) as {@link #OUTPUT_PREDICTION}; forces (N, 3, eV/Å) as {@link #OUTPUT_FORCES}
     * when the edge vectors require a gradient and autograd is recording (inside a GradientCollector).
     */
    @Override
    public NDList forward(Block block, ParameterStore parameters, Batch batch, boolean training, boolean explain,
                          ModelSetup setup) {
        PetConfig cfg = config(setup);
        PetBlock pb = (PetBlock) block;
        PetGraph g = graph(batch.samples());
        NDArray x = batch.inputs().get(0);
        NDArray xin = x;
        if (training && cfg.globalAug()) {
            xin = RotationalAugmentation.apply(g, x, RotationalAugmentation.random(x.getManager(), g.structureCount()));
        }
        NDArray e = new PetBackbone(pb).energy(parameters, g, xin, training);      // (B), eV without baseline
        Normalisation.Target t = setup.normalisation().targets().get(0);
        NDArray pred = Scalars.div(e.sub(Scalars.of(e, t.mean())), t.std()).reshape(g.structureCount(), 1);
        pred.setName(OUTPUT_PREDICTION);
        NDList out = new NDList(pred);
        if (cfg.useForces() && x.hasGradient() && JniUtils.isGradMode()) {
            Autograd.backward(e.sum(), true, training);
            NDArray grad = x.getGradient();
            NDArray f = PetBackbone.forces(g, grad);
            Autograd.zeroGrad(parameterArrays(pb));
            f.setName(OUTPUT_FORCES);
            out.add(f);
            if (batch.samples().stream().anyMatch(s -> ((PetSample) s).periodic())) {
                NDArray st = PetBackbone.stress(g, x, grad, inverseVolumes(batch.samples()));
                st.setName(OUTPUT_STRESS);
                out.add(st);
            }
        }
        return out;
    }

    static List<NDArray> parameterArrays(PetBlock block) {
        List<NDArray> out = new ArrayList<>();
        for (Parameter p : block.namedParameters().values()) {
            out.add(p.getArray());
        }
        return out;
    }

    @Override
    public NDArray loss(NDList outputs, Batch batch, ModelSetup setup) {
        PetConfig cfg = config(setup);
        NDArray pred = outputs.get(OUTPUT_PREDICTION);
        NDArray forces = outputs.contains(OUTPUT_FORCES) ? outputs.get(OUTPUT_FORCES) : null;
        NDArray forceLabels = batch.labels().size() > 1 ? batch.labels().get(1) : null;
        return withStress(PetLoss.loss(pred, batch.labels().get(0), forces, forceLabels, cfg.energyWeight(), 1.0,
                cfg.forceSigma()), outputs, batch, cfg, cfg.stressSigma());
    }

    /** Adds w_S·MSE(σ)/σ_S² when the batch has stress labels (energy + force training with stresses). */
    private static NDArray withStress(NDArray loss, NDList outputs, Batch batch, PetConfig cfg, double sigmaS) {
        if (batch.labels().size() < 4 || !outputs.contains(OUTPUT_STRESS) || !outputs.contains(OUTPUT_FORCES)) {
            return loss;
        }
        return loss.add(PetLoss.stressTerm(outputs.get(OUTPUT_STRESS), batch.labels().get(2), batch.labels().get(3),
                cfg.stressWeight(), sigmaS, stressLabelled(batch)));
    }

    static int stressLabelled(Batch batch) {
        int n = 0;
        for (Sample s : batch.samples()) {
            if (((PetSample) s).stress() != null) {
                n++;
            }
        }
        return n;
    }

    /** The training loss with the run's sliding σ_E, σ_F (energy + force training; otherwise as {@link #loss}). */
    @Override
    public NDArray loss(NDList outputs, Batch batch, ModelSetup setup, TrainingState state) {
        if (!(state instanceof SlidingLossScales sc) || !outputs.contains(OUTPUT_FORCES) || batch.labels().size() < 2) {
            return loss(outputs, batch, setup);
        }
        PetConfig cfg = config(setup);
        return withStress(PetLoss.loss(outputs.get(OUTPUT_PREDICTION), batch.labels().get(0),
                outputs.get(OUTPUT_FORCES), batch.labels().get(1), cfg.energyWeight(), sc.normalisedSigmaEnergy(),
                sc.sigmaForces()), outputs, batch, cfg, sc.sigmaStress());
    }

    /** σ_E, σ_F starting at the fitted values (σ_E = the normalisation std when not fitted), sliding after each epoch. */
    @Override
    public TrainingState newTrainingState(ModelSetup setup) {
        PetConfig cfg = config(setup);
        double std = setup.normalisation().targets().get(0).std();
        return new SlidingLossScales(cfg.slidingFactor(), std, cfg.energySigma() > 0 ? cfg.energySigma() : std,
                cfg.forceSigma(), cfg.stressSigma());
    }

    @Override
    public boolean needsInputGradients() {
        return true;
    }

    @Override
    public Map<String, Parameter> namedParameters(Block block) {
        return ((PetBlock) block).namedParameters();
    }
}
