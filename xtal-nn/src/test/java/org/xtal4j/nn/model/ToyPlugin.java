package org.xtal4j.nn.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/**
 * A minimal model exercising the plugin interface end to end: composition fractions over the element
 * vocabulary → Linear → ReLU → Linear → one output per target; L1 loss summed over targets.
 */
public final class ToyPlugin implements ModelPlugin {

    record ToyConfig(int hidden) implements ModelConfig {
        @Override
        public String modelType() {
            return "toy";
        }

        @Override
        public ObjectNode toJson() {
            return JsonNodeFactory.instance.objectNode().put("hidden", hidden);
        }
    }

    record ToySample(float[] fractions, float[] labels, int atomCount) implements Sample {
        @Override
        public boolean hasLabels() {
            return labels != null;
        }
    }

    @Override
    public String name() {
        return "toy";
    }

    @Override
    public String description() {
        return "composition-only MLP used by the xtal-nn tests";
    }

    @Override
    public ModelConfig parseConfig(JsonNode hp) {
        int hidden = 8;
        if (hp != null) {
            for (Iterator<String> it = hp.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!k.equals("hidden")) {
                    throw new IllegalArgumentException("unknown hyper-parameter '" + k + "' for model toy");
                }
            }
            if (hp.has("hidden")) {
                if (!hp.get("hidden").isInt() || hp.get("hidden").asInt() <= 0) {
                    throw new IllegalArgumentException("hyper-parameter 'hidden' must be a positive integer");
                }
                hidden = hp.get("hidden").asInt();
            }
        }
        return new ToyConfig(hidden);
    }

    @Override
    public Block newBlock(ModelSetup setup) {
        ToyConfig c = (ToyConfig) setup.config();
        return new SequentialBlock()
                .add(Linear.builder().setUnits(c.hidden()).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(setup.targetNames().size()).build());
    }

    @Override
    public void initialize(Block block, NDManager manager, ModelSetup setup) {
        block.setInitializer(new NormalInitializer(0.3f), Parameter.Type.WEIGHT);
        block.initialize(manager, setup.precision().dataType(), new Shape(1, setup.elements().size()));
    }

    @Override
    public Sample prepare(Structure s, ModelSetup setup) {
        float[] x = new float[setup.elements().size()];
        for (Site site : s.sites()) {
            for (Map.Entry<Element, Double> sp : site.species().entrySet()) {
                int i = setup.elementIndex(sp.getKey().symbol());
                if (i < 0) {
                    throw new IllegalArgumentException("element " + sp.getKey().symbol() + " is not in the model's"
                            + " vocabulary " + setup.elements());
                }
                x[i] += (float) (sp.getValue() / s.size());
            }
        }
        List<String> names = setup.targetNames();
        float[] y = null;
        if (names.stream().allMatch(n -> s.properties().get(n) instanceof Number)) {
            y = new float[names.size()];
            for (int t = 0; t < y.length; t++) {
                double v = ((Number) s.properties().get(names.get(t))).doubleValue();
                y[t] = (float) setup.normalisation().targets().get(t).normalise(v);
            }
        }
        return new ToySample(x, y, s.size());
    }

    @Override
    public Batch collate(List<? extends Sample> samples, NDManager manager, ModelSetup setup) {
        int e = setup.elements().size();
        int t = setup.targetNames().size();
        float[] x = new float[samples.size() * e];
        float[] y = new float[samples.size() * t];
        boolean labels = true;
        for (int b = 0; b < samples.size(); b++) {
            ToySample s = (ToySample) samples.get(b);
            System.arraycopy(s.fractions(), 0, x, b * e, e);
            if (s.hasLabels()) {
                System.arraycopy(s.labels(), 0, y, b * t, t);
            } else {
                labels = false;
            }
        }
        NDArray xa = manager.create(x, new Shape(samples.size(), e)).toType(setup.precision().dataType(), false);
        NDList lab = labels
                ? new NDList(manager.create(y, new Shape(samples.size(), t)).toType(setup.precision().dataType(), false))
                : new NDList();
        return new Batch(new NDList(xa), lab, samples);
    }

    @Override
    public NDList forward(Block block, ParameterStore ps, Batch batch, boolean training, boolean explain,
                          ModelSetup setup) {
        NDArray pred = block.forward(ps, batch.inputs(), training).singletonOrThrow();
        pred.setName(OUTPUT_PREDICTION);
        return new NDList(pred);
    }

    @Override
    public NDArray loss(NDList outputs, Batch batch, ModelSetup setup) {
        NDArray pred = outputs.get(OUTPUT_PREDICTION);
        return pred.sub(batch.labels().get(0)).abs().sum(new int[] {1}).mean();
    }
}
