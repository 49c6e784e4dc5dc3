package org.xtal4j.models.crystalformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.io.NamedTensors;
import org.xtal4j.nn.model.Batch;
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelRegistry;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.nn.model.Weights;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/** Configuration parsing, registry, features, initialisation statistics, save/load and a training step. */
class CrystalformerPluginTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void defaultsAreTheReferences() {
        CrystalformerConfig c = CrystalformerConfig.builder().build();
        assertThat(c.numLayers()).isEqualTo(4);
        assertThat(c.modelDim()).isEqualTo(128);
        assertThat(c.headDim()).isEqualTo(16);
        assertThat(c.valuePeDistReal()).isEqualTo(64);
        assertThat(c.rbfMax(0)).isEqualTo(14.0, within(1e-12));
        assertThat(c.maxCutoff()).isEqualTo(3.5 * 1.4 / Math.sqrt(0.5), within(1e-12));
        assertThat(c.box()).isEqualTo(CrystalformerConfig.BoxSemantics.ADAPTIVE);
        CrystalformerConfig rr = CrystalformerConfig.builder().domain("real-reci").build();
        assertThat(List.of(rr.layerDomain(0), rr.layerDomain(1), rr.layerDomain(2))).containsExactly("real", "reci",
                "real");
        assertThat(rr.hasValuePe(1)).isFalse();
        assertThat(CrystalformerConfig.builder().domain("multihead").build().realHeads(0)).isEqualTo(4);
    }

    @Test
    void jsonRoundTripsAndRejectsUnknownKeys() throws Exception {
        ModelPlugin p = ModelRegistry.get("crystalformer");
        assertThat(p).isInstanceOf(CrystalformerPlugin.class);
        assertThat(p.defaultConfig()).isEqualTo(CrystalformerConfig.builder().build());
        CrystalformerConfig c = (CrystalformerConfig) p.parseConfig(JSON.readTree(
                "{\"num_layers\": 7, \"domain\": \"real-reci\", \"scale_real\": 1.5, \"box\": \"fixed\","
                        + " \"embedding_dim\": [64, 32]}"));
        assertThat(c.numLayers()).isEqualTo(7);
        assertThat(c.scaleReal()).containsExactly(1.5);
        assertThat(c.box()).isEqualTo(CrystalformerConfig.BoxSemantics.FIXED);
        assertThat(p.parseConfig(c.toJson())).isEqualTo(c);
        assertThatThrownBy(() -> p.parseConfig(JSON.readTree("{\"num_layer\": 3}")))
                .hasMessageContaining("unknown hyper-parameter 'num_layer'");
        assertThatThrownBy(() -> p.parseConfig(JSON.readTree("{\"domain\": \"fourier\"}")))
                .hasMessageContaining("domain");
        assertThatThrownBy(() -> p.parseConfig(JSON.readTree("{\"model_dim\": 100}")))
                .hasMessageContaining("multiple of head_num");
        assertThatThrownBy(() -> p.parseConfig(JSON.readTree("{\"positive_func\": \"relu\"}")))
                .hasMessageContaining("positive_func");
    }

    @Test
    void positiveFunctionIsTheReferencesElu() {
        try (NDManager m = Backend.get().newManager()) {
            NDArray x = m.create(new double[] {-30, -1, 0, 2.5});
            double[] rho = PositiveFunction.parse("elu=0.1").apply(x, 0.5).toDoubleArray();
            // ρ = 0.5·ELU(0.2·x) + 1
            assertThat(rho[0]).isCloseTo(0.5 * (Math.exp(-6) - 1) + 1, within(1e-15));
            assertThat(rho[1]).isCloseTo(0.5 * (Math.exp(-0.2) - 1) + 1, within(1e-15));
            assertThat(rho[2]).isEqualTo(1.0);
            assertThat(rho[3]).isCloseTo(0.5 * 0.5 + 1, within(1e-15));
            double[] sig = PositiveFunction.parse("sigmoid").apply(x, 0.5).toDoubleArray();
            assertThat(sig[2]).isCloseTo(1.0, within(1e-12)); // ρ(0) = 1
            assertThat(sig[0]).isGreaterThanOrEqualTo(0.5).isLessThan(0.5 + 1e-6); // bounded below by b
        }
    }

    static Structure disordered() {
        Lattice l = Lattice.fromParameters(2.9, 2.9, 2.9, 90, 90, 90);
        return Structure.of(l, List.of(
                new Site(Map.of(Element.of("Fe"), 0.5, Element.of("Co"), 0.4), new double[] {0, 0, 0}, null),
                Site.of(Element.of("Al"), new double[] {0.5, 0.5, 0.5})));
    }

    @Test
    void featuresAreOccupancyWeightedOneHotsAndLabelsAreNormalised() {
        CrystalformerPlugin plugin = new CrystalformerPlugin();
        Normalisation norm = new Normalisation(List.of(new Normalisation.Target("e", "eV", -1.0, 2.0)));
        ModelSetup setup = new ModelSetup(CrystalformerConfig.builder().build(), norm, List.of(), Precision.FLOAT64);
        Structure s = disordered().toBuilder().property("e", 3.0).build();
        CrystalformerSample sample = (CrystalformerSample) plugin.prepare(s, setup);
        assertThat(sample.features()[25]).isEqualTo(0.5);  // Fe, Z = 26
        assertThat(sample.features()[26]).isEqualTo(0.4);  // Co
        assertThat(sample.features()[98 + 12]).isEqualTo(1.0); // Al, Z = 13
        assertThat(sample.labels()).containsExactly(2.0);
        assertThat(sample.atomCount()).isEqualTo(2);
        Structure heavy = Structure.of(s.lattice(), List.of(Site.of(Element.of(99), new double[] {0, 0, 0})));
        assertThatThrownBy(() -> plugin.prepare(heavy, setup)).hasMessageContaining("Z = 1..98");
    }

    @Test
    void initialisationFollowsTFixupAndWeightsRoundTrip() {
        Backend backend = Backend.get();
        backend.seed(123);
        CrystalformerPlugin plugin = new CrystalformerPlugin();
        ModelSetup setup = new ModelSetup(CrystalformerConfig.builder().build(), Normalisation.identity(List.of("y")),
                List.of(), Precision.FLOAT32);
        try (NDManager root = backend.newManager()) {
            CrystalformerBlock block = (CrystalformerBlock) plugin.newBlock(setup);
            plugin.initialize(block, root, setup);
            Map<String, Parameter> p = plugin.namedParameters(block);
            // 61 tensors: the 125 state-dict entries of §16.3 are 2 × 61 (model.*, swa_model.module.*) + 3 buffers
            assertThat(p).hasSize(61);
            assertThat(p.keySet()).contains("encoder.layers.3.self_attn.pe_dist_proj", "mlp.3.weight");
            // §9/§10: embedding std 0.0361, |v_proj| ≤ 0.1531·0.4738, |pe_dist_proj| ≤ 0.0221, biases 0
            NDArray emb = p.get("input_embeddings.weight").getArray();
            double std = emb.toType(DataType.FLOAT64, false).pow(2).mean().sqrt().getDouble();
            assertThat(std).isCloseTo(0.03608, within(0.001));
            double vmax = p.get("encoder.layers.0.self_attn.v_proj_weight").getArray().abs().max().getFloat();
            assertThat(vmax).isLessThanOrEqualTo(0.0726f).isGreaterThan(0.07f);
            double qmax = p.get("encoder.layers.0.self_attn.q_proj_weight").getArray().abs().max().getFloat();
            assertThat(qmax).isGreaterThan(0.15f).isLessThanOrEqualTo(0.1531f);
            double wmax = p.get("encoder.layers.0.self_attn.pe_dist_proj").getArray().abs().max().getFloat();
            assertThat(wmax).isGreaterThan(0.02f).isLessThanOrEqualTo(0.0221f);
            assertThat(p.get("encoder.layers.0.self_attn.in_proj_bias").getArray().abs().max().getFloat()).isZero();
            assertThat(p.get("encoder.layers.3.self_attn.gauss_scale").getArray().abs().max().getFloat()).isZero();
            assertThat(p.get("encoder.layers.3.self_attn.gauss_scale").requiresGradient()).isFalse();

            NamedTensors saved = Weights.save(p, Map.of());
            CrystalformerBlock again = (CrystalformerBlock) plugin.newBlock(setup);
            plugin.initialize(again, root, setup);
            Weights.load(plugin.namedParameters(again), saved, true);
            List<Sample> samples = List.of(plugin.prepare(CrystalformerInvarianceTest.nacl(), setup),
                    plugin.prepare(disordered(), setup));
            try (NDManager sm = root.newSubManager(); Batch b = plugin.collate(samples, sm, setup)) {
                float[] p1 = block.run(new ParameterStore(sm, false), b, false, null).toFloatArray();
                float[] p2 = again.run(new ParameterStore(sm, false), b, false, null).toFloatArray();
                assertThat(p2).containsExactly(p1);
            }
        }
    }

    @Test
    void aFewSgdStepsReduceTheLoss() {
        Backend backend = Backend.get();
        backend.seed(7);
        CrystalformerPlugin plugin = new CrystalformerPlugin();
        CrystalformerConfig cfg = CrystalformerConfig.builder().numLayers(1).modelDim(16).headNum(2).ffDim(32)
                .embeddingDim(List.of(16)).valuePeDistReal(8).build();
        ModelSetup setup = new ModelSetup(cfg, Normalisation.identity(List.of("y")), List.of(), Precision.FLOAT32);
        List<Sample> samples = List.of(
                plugin.prepare(CrystalformerInvarianceTest.nacl().toBuilder().property("y", 1.0).build(), setup),
                plugin.prepare(disordered().toBuilder().property("y", -1.0).build(), setup));
        try (NDManager root = backend.newManager()) {
            CrystalformerBlock block = (CrystalformerBlock) plugin.newBlock(setup);
            plugin.initialize(block, root, setup);
            List<NDArray> params = block.namedParameters().values().stream().filter(Parameter::requiresGradient)
                    .map(Parameter::getArray).toList();
            double first = 0;
            double last = 0;
            for (int step = 0; step < 30; step++) {
                try (NDManager sm = root.newSubManager(); Batch batch = plugin.collate(samples, sm, setup)) {
                    try (GradientCollector gc = backend.engine().newGradientCollector()) {
                        NDList out = plugin.forward(block, new ParameterStore(sm, false), batch, true, false, setup);
                        NDArray loss = plugin.loss(out, batch, setup);
                        gc.backward(loss);
                        last = loss.getFloat();
                        first = step == 0 ? last : first;
                    }
                    for (NDArray p : params) {
                        p.subi(p.getGradient().mul(0.3f));
                    }
                    org.xtal4j.nn.Autograd.zeroGrad(params);
                }
            }
            assertThat(block.namedParameters().get("encoder.layers.0.self_attn.gauss_scale").getArray().getFloat(0))
                    .as("set at the first training step").isPositive();
            assertThat(last).isLessThan(first * 0.7);
        }
    }
}
