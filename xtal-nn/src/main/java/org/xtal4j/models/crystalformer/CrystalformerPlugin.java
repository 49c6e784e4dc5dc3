package org.xtal4j.models.crystalformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xtal4j.nn.model.Batch;
import org.xtal4j.nn.model.ModelConfig;
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.nn.perf.StageTimes;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/**
 * Crystalformer (Taniai et al., ICLR 2024) as a {@link ModelPlugin}: see crystalformer.md. Atom features are
 * the reference's fixed 98 one-hot columns (Z = 1..98), independent of the setup's element vocabulary.
 * Structures are used as given (the reference converts to the primitive standard cell first; that is the
 * data pipeline's job).
 */
public final class CrystalformerPlugin implements ModelPlugin {

    public static final String NAME = "crystalformer";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Crystalformer: infinitely connected (pseudo-finite periodic) attention, ICLR 2024";
    }

    @Override
    public ModelConfig parseConfig(JsonNode hyperParameters) {
        return CrystalformerConfig.fromJson(hyperParameters);
    }

    private static CrystalformerConfig config(ModelSetup setup) {
        return (CrystalformerConfig) setup.config();
    }

    @Override
    public Block newBlock(ModelSetup setup) {
        return new CrystalformerBlock(config(setup), setup.targetNames().size());
    }

    /**
     * T-Fixup initialisation of §9 with the engine's RNG (seed with {@code Backend.seed}); gauss_scale = 0, so
     * the first training step sets it from the batch statistics.
     */
    @Override
    public void initialize(Block block, NDManager manager, ModelSetup setup) {
        CrystalformerBlock cb = (CrystalformerBlock) block;
        CrystalformerConfig c = cb.config();
        DataType type = setup.precision().dataType();
        block.initialize(manager, type, new Shape(1, CrystalformerConfig.ATOM_FEATURES));
        Map<String, Parameter> p = cb.namedParameters();
        int dm = c.modelDim();
        int nl = c.numLayers();
        normal(p.get("input_embeddings.weight"), Math.pow(dm, -0.5) * Math.pow(9.0 * nl, -0.25), manager);
        double tfix = 0.67 * Math.pow(nl, -0.25);
        for (int l = 0; l < nl; l++) {
            String pre = "encoder.layers." + l + ".";
            String a = pre + "self_attn.";
            double attn = Math.sqrt(6.0 / (dm + dm));
            uniform(p.get(a + "q_proj_weight"), attn, manager);
            uniform(p.get(a + "k_proj_weight"), attn, manager);
            uniform(p.get(a + "v_proj_weight"), attn * tfix, manager);
            uniform(p.get(a + "out_proj.weight"), attn * tfix, manager);
            normal(p.get(a + "lattice_pos_weights"), Math.pow(c.headDim(), -0.5), manager);
            if (p.containsKey(a + "pe_dist_proj")) {
                int k = c.valuePeDistReal();
                uniform(p.get(a + "pe_dist_proj"), Math.pow(k, -0.5) * Math.sqrt(6.0 / (dm + k)), manager);
            }
            double ff = Math.sqrt(6.0 / (dm + c.ffDim()));
            uniform(p.get(pre + "linear1.weight"), ff * tfix, manager);
            uniform(p.get(pre + "linear2.weight"), ff * tfix, manager);
        }
        int in = dm;
        List<Integer> hidden = c.embeddingDim();
        for (int k = 0; k <= hidden.size(); k++) {
            double bound = 1 / Math.sqrt(in);
            uniform(p.get("mlp." + 3 * k + ".weight"), bound, manager);
            uniform(p.get("mlp." + 3 * k + ".bias"), bound, manager);
            in = k < hidden.size() ? hidden.get(k) : in;
        }
        // biases of attention and FF, gauss_scale and atten_scale stay 0 (ConstantInitializer)
    }

    private static void uniform(Parameter p, double bound, NDManager manager) {
        NDArray t = p.getArray();
        try (NDArray v = manager.randomUniform((float) -bound, (float) bound, t.getShape(), DataType.FLOAT32)
                .toType(t.getDataType(), false)) {
            v.copyTo(t);
        }
    }

    private static void normal(Parameter p, double std, NDManager manager) {
        NDArray t = p.getArray();
        try (NDArray v = manager.randomNormal(0f, (float) std, t.getShape(), DataType.FLOAT32)
                .toType(t.getDataType(), false)) {
            v.copyTo(t);
        }
    }

    @Override
    public Sample prepare(Structure s, ModelSetup setup) {
        int n = s.size();
        double[] x = new double[n * CrystalformerConfig.ATOM_FEATURES];
        for (int i = 0; i < n; i++) {
            Site site = s.site(i);
            for (Map.Entry<Element, Double> sp : site.species().entrySet()) {
                int z = sp.getKey().z();
                if (z < 1 || z > CrystalformerConfig.ATOM_FEATURES) {
                    throw new IllegalArgumentException("Crystalformer takes elements Z = 1.."
                            + CrystalformerConfig.ATOM_FEATURES + ", site " + i + " has " + sp.getKey().symbol());
                }
                x[i * CrystalformerConfig.ATOM_FEATURES + z - 1] += sp.getValue();
            }
        }
        List<String> names = setup.targetNames();
        double[] y = null;
        if (!names.isEmpty() && names.stream().allMatch(t -> s.properties().get(t) instanceof Number)) {
            y = new double[names.size()];
            for (int t = 0; t < y.length; t++) {
                double v = ((Number) s.properties().get(names.get(t))).doubleValue();
                y[t] = setup.normalisation().targets().get(t).normalise(v);
            }
        }
        return new CrystalformerSample(s.lattice().matrix(), s.cartesianCoordinates(), x, y);
    }

    @Override
    public Batch collate(List<? extends Sample> samples, NDManager manager, ModelSetup setup) {
        CrystalformerConfig c = config(setup);
        DataType type = setup.precision().dataType();
        int f = CrystalformerConfig.ATOM_FEATURES;
        int n = samples.stream().mapToInt(Sample::atomCount).sum();
        double[] x = new double[n * f];
        long[] sizes = new long[samples.size()];
        List<double[][]> lattices = new ArrayList<>();
        List<double[][]> positions = new ArrayList<>();
        int off = 0;
        boolean labels = true;
        int nt = setup.targetNames().size();
        double[] y = new double[samples.size() * nt];
        for (int b = 0; b < samples.size(); b++) {
            CrystalformerSample s = (CrystalformerSample) samples.get(b);
            System.arraycopy(s.features(), 0, x, off * f, s.features().length);
            sizes[b] = s.atomCount();
            off += s.atomCount();
            lattices.add(s.lattice());
            positions.add(s.positions());
            if (s.hasLabels()) {
                System.arraycopy(s.labels(), 0, y, b * nt, nt);
            } else {
                labels = false;
            }
        }
        NDList inputs = new NDList();
        inputs.add(manager.create(x, new Shape(n, f)).toType(type, false));
        inputs.add(manager.create(sizes));
        CrystalformerGeometry geometry;
        try (StageTimes.Timer t = StageTimes.time("geometry")) {
            geometry = CrystalformerGeometry.of(c, lattices, positions, CrystalformerGeometry.Kernel.configured(),
                    type == DataType.FLOAT32);
        }
        inputs.addAll(geometry.toNDList(manager, type));
        NDList lab = labels ? new NDList(manager.create(y, new Shape(samples.size(), nt)).toType(type, false))
                : new NDList();
        return new Batch(inputs, lab, samples, geometry);
    }

    @Override
    public NDList forward(Block block, ParameterStore parameters, Batch batch, boolean training, boolean explain,
                          ModelSetup setup) {
        NDArray pred = ((CrystalformerBlock) block).run(parameters, batch, training, null);
        pred.setName(OUTPUT_PREDICTION);
        return new NDList(pred);
    }

    /** L1 summed over targets, mean over the batch (the reference's default loss). */
    @Override
    public NDArray loss(NDList outputs, Batch batch, ModelSetup setup) {
        NDArray pred = outputs.get(OUTPUT_PREDICTION);
        return pred.sub(batch.labels().get(0)).abs().sum(new int[] {1}).mean();
    }

    @Override
    public Map<String, Parameter> namedParameters(Block block) {
        return ((CrystalformerBlock) block).namedParameters();
    }
}
