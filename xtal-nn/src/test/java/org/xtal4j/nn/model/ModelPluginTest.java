package org.xtal4j.nn.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.io.HostTensor;
import org.xtal4j.nn.io.NamedTensors;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/** The plugin interface end to end with a toy model: registry, prepare/collate/forward/loss, weights, model file. */
class ModelPluginTest {

    @TempDir
    Path dir;

    private static final List<String> ELEMENTS = List.of("Li", "O", "Fe", "Cu");

    private static Structure crystal(String a, String b, int nb, double target) {
        Structure.Builder s = Structure.builder().lattice(Lattice.fromParameters(4, 4, 4, 90, 90, 90))
                .addSite(Site.of(Element.of(a), new double[] {0, 0, 0}));
        for (int i = 0; i < nb; i++) {
            s.addSite(Site.of(Element.of(b), new double[] {0.5, 0.1 * i, 0.5}));
        }
        return s.property("e_form", target).build();
    }

    /** Synthetic target: linear in the composition fractions (so a small MLP can fit it). */
    private static List<Structure> data() {
        List<Structure> out = new ArrayList<>();
        String[] el = ELEMENTS.toArray(new String[0]);
        double[] per = {-1.0, -2.5, 0.5, 1.5};
        for (int i = 0; i < el.length; i++) {
            for (int j = 0; j < el.length; j++) {
                for (int n = 1; n <= 3; n++) {
                    double y = (per[i] + n * per[j]) / (n + 1);
                    out.add(crystal(el[i], el[j], n, y));
                }
            }
        }
        return out;
    }

    @Test
    void registryFindsPluginsByName() {
        assertThat(ModelRegistry.names()).contains("toy");
        assertThat(ModelRegistry.get("TOY")).isInstanceOf(ToyPlugin.class);
        assertThatThrownBy(() -> ModelRegistry.get("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown model 'nope'; known models: ").hasMessageContaining("toy");
    }

    @Test
    void configDefaultsAndRoundTrip() throws Exception {
        ModelPlugin p = ModelRegistry.get("toy");
        ModelConfig d = p.defaultConfig();
        assertThat(d.toJson().get("hidden").asInt()).isEqualTo(8);
        assertThat(p.parseConfig(d.toJson())).isEqualTo(d);
        assertThat(p.parseConfig(new ObjectMapper().readTree("{\"hidden\": 3}")).toJson().get("hidden").asInt())
                .isEqualTo(3);
        assertThatThrownBy(() -> p.parseConfig(new ObjectMapper().readTree("{\"hiden\": 3}")))
                .hasMessageContaining("unknown hyper-parameter 'hiden'");
    }

    @Test
    void trainSaveLoadPredictIdentically() throws Exception {
        Backend backend = Backend.get();
        backend.seed(11);
        ModelPlugin plugin = ModelRegistry.get("toy");
        List<Structure> data = data();
        Normalisation norm = new Normalisation(List.of(new Normalisation.Target("e_form", "eV/atom", -0.6, 1.1)));
        ModelSetup setup = new ModelSetup(plugin.parseConfig(null), norm, ELEMENTS, Precision.FLOAT32);
        List<Sample> samples = data.stream().map(s -> plugin.prepare(s, setup)).toList();
        assertThat(samples.get(0).atomCount()).isEqualTo(2);

        float[] firstPredictions;
        Path file = dir.resolve("toy.xtal");
        try (NDManager root = backend.newManager()) {
            Block block = plugin.newBlock(setup);
            plugin.initialize(block, root, setup);
            Map<String, Parameter> params = plugin.namedParameters(block);
            assertThat(params).hasSize(4);
            ParameterStore ps = new ParameterStore(root, false);
            double first = 0;
            double last = 0;
            for (int step = 0; step < 150; step++) {
                try (NDManager sm = root.newSubManager(); Batch batch = plugin.collate(samples, sm, setup)) {
                    try (GradientCollector gc = backend.engine().newGradientCollector()) {
                        NDList out = plugin.forward(block, ps, batch, true, false, setup);
                        NDArray loss = plugin.loss(out, batch, setup);
                        gc.backward(loss);
                        double l = loss.getFloat();
                        first = step == 0 ? l : first;
                        last = l;
                    }
                    for (Parameter p : params.values()) {   // plain SGD
                        NDArray g = p.getArray().getGradient();
                        p.getArray().subi(g.mul(0.05f));
                    }
                    // DJL accumulates gradients across backward calls; the trainer's step zeroes them
                    org.xtal4j.nn.Autograd.zeroGrad(params.values().stream().map(Parameter::getArray).toList());
                }
            }
            assertThat(last).isLessThan(first / 3);
            firstPredictions = predict(plugin, block, samples, setup, root);

            NamedTensors w = Weights.save(params, Map.of("format", "pt"));
            new ModelFile(plugin.name(), setup.config().toJson(), w, norm, ELEMENTS, Provenance.now()
                    .withMetrics(Map.of("train_l1", last))).write(file);
        }

        ModelFile mf = ModelFile.read(file);
        ModelPlugin p2 = ModelRegistry.get(mf.modelType());
        ModelSetup setup2 = ModelSetup.of(mf, p2, Precision.FLOAT32);
        assertThat(setup2).isEqualTo(setup);
        try (NDManager root = backend.newManager()) {
            Block block = p2.newBlock(setup2);
            p2.initialize(block, root, setup2);
            Weights.load(p2.namedParameters(block), mf.weights(), true);
            float[] again = predict(p2, block, samples, setup2, root);
            assertThat(again).containsExactly(firstPredictions);

            // float64 model from the same float32 weights
            ModelSetup f64 = ModelSetup.of(mf, p2, Precision.FLOAT64);
            Block b64 = p2.newBlock(f64);
            p2.initialize(b64, root, f64);
            Weights.load(p2.namedParameters(b64), mf.weights(), true);
            float[] p64 = predict(p2, b64, samples, f64, root);
            for (int i = 0; i < p64.length; i++) {
                assertThat(p64[i]).isCloseTo(firstPredictions[i], org.assertj.core.api.Assertions.within(1e-5f));
            }
        }
    }

    @Test
    void weightLoadingReportsEveryMismatch() {
        ModelPlugin plugin = ModelRegistry.get("toy");
        ModelSetup setup = new ModelSetup(plugin.parseConfig(null), Normalisation.identity(List.of("y")), ELEMENTS,
                Precision.FLOAT32);
        try (NDManager root = Backend.get().newManager()) {
            Block block = plugin.newBlock(setup);
            plugin.initialize(block, root, setup);
            Map<String, Parameter> params = plugin.namedParameters(block);
            NamedTensors good = Weights.save(params, Map.of());
            Map<String, HostTensor> bad = new LinkedHashMap<>(good.tensors());
            String first = params.keySet().iterator().next();
            String second = new ArrayList<>(params.keySet()).get(1);
            bad.put(first, HostTensor.ofFloats(new float[3], 3));
            bad.remove(second);
            bad.put("extra.weight", HostTensor.ofFloats(new float[1], 1));
            NamedTensors w = new NamedTensors(bad, Map.of(), "w.safetensors");
            assertThatThrownBy(() -> Weights.load(params, w, true))
                    .hasMessageStartingWith("w.safetensors: weights do not fit the model: ")
                    .hasMessageContaining("tensor '" + first + "' has shape [3], the model needs [8, 4]")
                    .hasMessageContaining("missing tensor '" + second + "'")
                    .hasMessageContaining("unexpected tensor 'extra.weight'");
            // non-strict: missing and extra are fine, a wrong shape is not
            bad.put(first, good.get(first));
            Weights.load(params, new NamedTensors(bad, Map.of(), "w2"), false);
        }
    }

    private static float[] predict(ModelPlugin plugin, Block block, List<Sample> samples, ModelSetup setup,
                                   NDManager root) {
        try (NDManager sm = root.newSubManager(); Batch batch = plugin.collate(samples, sm, setup)) {
            NDList out = plugin.forward(block, new ParameterStore(sm, false), batch, false, false, setup);
            return out.get(ModelPlugin.OUTPUT_PREDICTION).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                    .toFloatArray();
        }
    }
}
