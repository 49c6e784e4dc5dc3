package org.xtal4j.models.sitenet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.model.Batch;
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelRegistry;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.nn.train.TrainConfig;
import org.xtal4j.structure.Structure;

/** The Site-Net plugin on a tiny randomly initialised model and hand-made crystals (no fixtures). */
class SiteNetPluginTest {

    static final SiteNetConfig TINY = SiteNetConfig.builder().maxAtoms(16).embeddingSize(4).siteDimPerHead(3)
            .heads(2).interactionDimPerHead(2).attentionHidden(5).prePool(4).postPool(6, 6).build();

    static Structure caesiumChloride() {
        Structure s = SiteNetSupercellTest.of(SiteNetSupercellTest.cubic(4.12), new String[] {"Cs", "Cl"},
                new double[][] {{0, 0, 0}, {0.5, 0.5, 0.5}});
        return s.toBuilder().property("gap", 1.5).build();
    }

    static Structure polonium() {
        return SiteNetSupercellTest.of(SiteNetSupercellTest.cubic(3.35), new String[] {"Po"}, new double[][] {{0, 0, 0}})
                .toBuilder().property("gap", 0.0).build();
    }

    static Structure rockSalt() {
        return SiteNetSupercellTest.of(SiteNetSupercellTest.cubic(5.64), new String[] {"Na", "Na", "Na", "Na", "Cl",
                "Cl", "Cl", "Cl"}, new double[][] {{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}, {0.5, 0, 0},
                {0, 0.5, 0}, {0, 0, 0.5}, {0.5, 0.5, 0.5}}).toBuilder().property("gap", 5.0).build();
    }

    static ModelSetup setup(SiteNetConfig c) {
        return new ModelSetup(c, Normalisation.identity(List.of("gap")), List.of(), Precision.FLOAT64);
    }

    @Test
    void registeredAndConfigRoundTrips() {
        ModelPlugin p = ModelRegistry.get("sitenet");
        assertThat(p).isInstanceOf(SiteNetPlugin.class);
        SiteNetConfig d = (SiteNetConfig) p.defaultConfig();
        assertThat(d.maxAtoms()).isEqualTo(500);
        assertThat(d.siteDim()).isEqualTo(90);
        assertThat(d.interactionDim()).isEqualTo(48);
        assertThat(d.trelu()).isTrue();
        assertThat(p.parseConfig(TINY.toJson())).isEqualTo(TINY);
        assertThat(SiteNetParameters.shapes(d, 1)).hasSize(63);
        ObjectMapper om = new ObjectMapper();
        assertThatThrownBy(() -> p.parseConfig(om.createObjectNode().put("heads", 2)))
                .hasMessageContaining("'heads'");
        assertThatThrownBy(() -> p.parseConfig(om.createObjectNode().put("last_af_func", "relu")))
                .hasMessageContaining("last_af_func");
        assertThat(((SiteNetConfig) p.parseConfig(om.createObjectNode().put("last_af_func", "identity"))).trelu())
                .isFalse();
    }

    @Test
    void referenceTrainingRecipe() {
        TrainConfig c = SiteNetPlugin.referenceTrainConfig();
        assertThat(c.lr()).isEqualTo(8.125971481941902e-4);
        assertThat(c.amsgrad()).isTrue();
        assertThat(c.eps()).isEqualTo(1e-7);
        assertThat(c.weightDecay()).isEqualTo(1e-4);
        assertThat(c.nodecayWeightDecay()).isEqualTo(1e-4);
        assertThat(c.maxAtomsPerBatch()).isEqualTo(1200);
        assertThat(c.bucketBySize()).isFalse();
        assertThat(c.normalizeTargets()).isEqualTo("no");
    }

    @Test
    void prepareRejectsWhatTheReferenceDropsAndFlagsOversizeCells() {
        SiteNetPlugin p = new SiteNetPlugin();
        Structure helium = SiteNetSupercellTest.of(SiteNetSupercellTest.cubic(3.0), new String[] {"He"},
                new double[][] {{0, 0, 0}});
        assertThatThrownBy(() -> p.prepare(helium, setup(TINY))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("He").hasMessageContaining("Electronegativity");
        SiteNetConfig two = SiteNetConfig.builder().maxAtoms(2).build();
        SiteNetSample big = (SiteNetSample) p.prepare(rockSalt(), setup(SiteNetConfig.builder().maxAtoms(1).build()));
        assertThat(big.atomCount()).isEqualTo(2); // the P1 cell of rock salt
        assertThat(big.oversize()).isPresent();
        SiteNetSample ok = (SiteNetSample) p.prepare(rockSalt(), setup(two));
        assertThat(ok.oversize()).isEmpty();
        assertThat(ok.hasLabels()).isTrue();
        assertThat(ok.labels()).containsExactly(5.0);
        assertThat(ok.p1Volume()).isCloseTo(5.64 * 5.64 * 5.64 / 4, within(1e-9));
        assertThat(SiteNetPlugin.withoutOversize(List.of(big, ok))).containsExactly(ok);
    }

    @Test
    void forwardExplainsRenormalisesAndTrains(@TempDir Path dir) throws Exception {
        SiteNetPlugin p = new SiteNetPlugin();
        ModelSetup setup = setup(TINY);
        List<Structure> structures = List.of(caesiumChloride(), polonium(), rockSalt());
        List<Sample> samples = structures.stream().map(s -> p.prepare(s, setup)).toList();
        try (NDManager m = Backend.get().newManager()) {
            Backend.get().seed(3);
            Block block = p.newBlock(setup);
            p.initialize(block, m, setup);
            NDArray emb = p.namedParameters(block).get("Elemental_Embeddings.weight").getArray();
            assertThat(emb.getShape().getShape()).containsExactly(200, 4);
            double rowNorm = emb.get(55).norm().getDouble();
            assertThat(rowNorm).isGreaterThan(1); // N(0, 1) rows of dimension 4: Cs (55) here
            ParameterStore ps = new ParameterStore(m, false);
            try (NDManager step = m.newSubManager(); Batch batch = p.collate(samples, step, setup)) {
                assertThat(batch.labels().get(0).toDoubleArray()).containsExactly(1.5, 0.0, 5.0);
                NDList out;
                try (GradientCollector gc = Backend.get().engine().newGradientCollector()) {
                    out = p.forward(block, ps, batch, true, true, setup);
                    NDArray loss = p.loss(out, batch, setup);
                    double[] pred = out.get(ModelPlugin.OUTPUT_PREDICTION).toDoubleArray();
                    double expected = (Math.abs(pred[0] - 1.5) + Math.abs(pred[1]) + Math.abs(pred[2] - 5)) / 3;
                    assertThat(loss.getDouble()).isCloseTo(expected, within(1e-12));
                    for (double v : pred) {
                        assertThat(v).isGreaterThanOrEqualTo(0); // TReLU
                    }
                    gc.backward(loss);
                }
                // max_norm = 1: used rows rescaled in the parameter, others untouched
                assertThat(emb.get(55).norm().getDouble()).isCloseTo(rowNorm / (rowNorm + 1e-7), within(1e-12));
                assertThat(emb.get(54).norm().getDouble()).isGreaterThan(0.0);
                assertThat(p.namedParameters(block).get("decoder.weight").getArray().getGradient().abs().sum()
                        .getDouble()).isGreaterThan(0);
                // attention: softmax over the real columns of each row
                NDArray a0 = out.get(SiteNetPlugin.attentionOutput(0));
                assertThat(a0.getShape().getShape()).containsExactly(1 + 2 + 2, batch.inputs().get(3).getShape().get(1), 2);
                double[] sums = a0.sum(new int[] {1}).toDoubleArray();
                for (double s : sums) {
                    assertThat(s).isCloseTo(1.0, within(1e-12));
                }
                List<SiteNetSample> ss = samples.stream().map(SiteNetSample.class::cast).toList();
                List<AttentionAnalysis> an = AttentionAnalysis.of(out, ss, List.of("cscl", "po", "nacl"));
                double[] lr = out.get(SiteNetPlugin.OUTPUT_LONG_RANGE).toDoubleArray(); // [blocks, B, H]
                for (int c = 0; c < 3; c++) {
                    AttentionAnalysis a = an.get(c);
                    assertThat(a.blocks()).isEqualTo(2);
                    assertThat(a.heads()).isEqualTo(2);
                    for (int b = 0; b < 2; b++) {
                        for (int h = 0; h < 2; h++) {
                            assertThat(a.longRange(b, h)).isCloseTo(lr[(b * 3 + c) * 2 + h], within(1e-12));
                        }
                    }
                    assertThat(a.longRangeCoefficient()).isCloseTo(lr[(3 + c) * 2] + lr[(3 + c) * 2 + 1], within(1e-12));
                    double rowSum = 0;
                    for (int j = 0; j < a.supercellSize(); j++) {
                        rowSum += a.weight(1, 1, 0, j);
                    }
                    assertThat(rowSum).isCloseTo(1, within(1e-12));
                    assertThat(a.distance(0, 0)).isZero();
                }
                assertThat(an.get(1).primitiveSize()).isEqualTo(1);
                Path csv = dir.resolve("po.csv");
                an.get(1).writeCsv(csv);
                List<String> lines = Files.readAllLines(csv);
                assertThat(lines.get(0)).isEqualTo(AttentionAnalysis.CSV_HEADER);
                assertThat(lines).hasSize(1 + 2 * 2 * an.get(1).supercellSize());
                Path png = dir.resolve("h.png");
                AttentionPlots.attentionHistogram(png, an, 1, 0);
                Path scatter = dir.resolve("lr.png");
                AttentionPlots.longRangeVsSize(scatter, an);
                assertThat(Files.size(png)).isGreaterThan(1000);
                assertThat(Files.size(scatter)).isGreaterThan(1000);
                AttentionPlots.Histogram h = AttentionPlots.histogram(an, 1, 0);
                int pairs = an.stream().mapToInt(x -> x.primitiveSize() * x.supercellSize()).sum();
                assertThat(h.selfLoops()).isEqualTo(5); // one d = 0 pair per P1 site
                for (double[] col : h.fractions()) {
                    assertThat(java.util.Arrays.stream(col).sum()).isCloseTo(1, within(1e-12));
                }
                assertThat(pairs).isGreaterThan(5);
            }
        }
    }

    @Test
    void identityOutputAndCutoff() {
        SiteNetPlugin p = new SiteNetPlugin();
        SiteNetConfig c = SiteNetConfig.builder().maxAtoms(16).embeddingSize(4).siteDimPerHead(3).heads(2)
                .interactionDimPerHead(2).attentionHidden(5).prePool(4).postPool(6).lastActivation("identity")
                .distanceCutoff(3.0).build();
        ModelSetup setup = setup(c);
        List<Sample> samples = List.of(p.prepare(caesiumChloride(), setup));
        try (NDManager m = Backend.get().newManager()) {
            Backend.get().seed(11);
            Block block = p.newBlock(setup);
            p.initialize(block, m, setup);
            try (NDManager step = m.newSubManager(); Batch batch = p.collate(samples, step, setup)) {
                NDList out = p.forward(block, new ParameterStore(m, false), batch, false, true, setup);
                double[] d = out.get(SiteNetPlugin.OUTPUT_DISTANCE).toDoubleArray();
                double[] a = out.get(SiteNetPlugin.attentionOutput(0)).toDoubleArray();
                int far = 0;
                for (int k = 0; k < d.length; k++) {
                    if (d[k] > 3.0) {
                        far++;
                        assertThat(a[2 * k]).isZero();
                        assertThat(a[2 * k + 1]).isZero();
                    }
                }
                assertThat(far).isGreaterThan(0);
                assertThat(out.get(ModelPlugin.OUTPUT_PREDICTION).getShape().getShape()).containsExactly(1, 1);
            }
        }
    }

    /** The trainer drives the plugin with the reference recipe; the saved model reloads and predicts the same. */
    @Test
    void trainsWithTheTrainerAndReloads(@TempDir Path dir) throws Exception {
        SiteNetPlugin p = new SiteNetPlugin();
        ModelSetup setup = setup(TINY);
        List<Sample> samples = List.of(caesiumChloride(), polonium(), rockSalt()).stream()
                .map(s -> p.prepare(s, setup)).toList();
        TrainConfig c = SiteNetPlugin.referenceTrainConfig().toBuilder().epochs(3).set("plots", false)
                .maxAtomsPerBatch(3).build();
        org.xtal4j.nn.train.TrainResult r = org.xtal4j.nn.train.Trainer.builder().plugin(p).setup(setup).config(c)
                .train(samples).validation(samples).output(dir).quiet(true).build().run();
        assertThat(r.completed()).isTrue();
        assertThat(r.epochsDone()).isEqualTo(3);
        org.xtal4j.nn.model.ModelFile file = org.xtal4j.nn.model.ModelFile.read(dir.resolve("model.xtal"));
        assertThat(file.modelType()).isEqualTo("sitenet");
        ModelSetup back = ModelSetup.of(file, p, Precision.FLOAT64);
        assertThat(back.config()).isEqualTo(TINY);
        try (NDManager m = Backend.get().newManager()) {
            Block block = p.newBlock(back);
            p.initialize(block, m, back);
            org.xtal4j.nn.model.Weights.load(p.namedParameters(block), file.weights(), true);
            try (NDManager step = m.newSubManager(); Batch batch = p.collate(samples, step, back)) {
                double[] pred = p.forward(block, new ParameterStore(m, false), batch, false, false, back)
                        .get(ModelPlugin.OUTPUT_PREDICTION).toDoubleArray();
                assertThat(pred).hasSize(3);
                for (double v : pred) {
                    assertThat(v).isFinite().isGreaterThanOrEqualTo(0);
                }
            }
        }
    }

    @Test
    void parameterNamesFollowTheConfiguration() {
        Map<String, long[]> s = SiteNetParameters.shapes(TINY, 2);
        assertThat(s.get("decoder.weight")).containsExactly(2, 6);
        assertThat(s.get("encoder.Attention_Blocks.1.pre_softmax_linear.weight")).containsExactly(2, 5);
        assertThat(s.get("encoder.site_featurization.weight")).containsExactly(6, 4 + 9);
        assertThat(s).containsKey("encoder.post_pool_layers_norm.1.weight").doesNotContainKey("encoder.post_pool_layers.2.weight");
    }
}
