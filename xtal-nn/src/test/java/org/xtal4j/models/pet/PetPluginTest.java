package org.xtal4j.models.pet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.model.ModelFile;
import org.xtal4j.nn.model.ModelRegistry;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.nn.model.Weights;
import org.xtal4j.nn.train.TrainConfig;
import org.xtal4j.nn.train.TrainResult;
import org.xtal4j.nn.train.Trainer;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/** The PET plugin end to end on tiny hand-made data: registry, config, fitting, Trainer, model file, predictor. */
class PetPluginTest {

    @TempDir
    Path dir;

    static PetConfig tiny() {
        return PetConfig.builder().dModel(8).nHead(2).dimFeedforward(16).nTransLayers(1).nGnnLayers(2)
                .headNeurons(8).rCut(3.0).cutoffDelta(0.5).build();
    }

    /** Rattled 2-atom CH cells (periodic) and CH3 molecules with arbitrary energies and forces. */
    static List<Structure> data(int n, long seed) {
        Random r = new Random(seed);
        List<Structure> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            Structure.Builder b;
            int atoms;
            if (k % 2 == 0) {
                Lattice lat = Lattice.fromMatrix(new double[][] {{2.4, 0, 0}, {0.3, 2.6, 0}, {0.1, -0.2, 2.8}});
                b = Structure.builder().lattice(lat).sites(List.of(
                        Site.of(Element.of("C"), new double[] {0.05 * r.nextGaussian(), 0.1, 0.2}),
                        Site.of(Element.of("H"), new double[] {0.5, 0.45 + 0.05 * r.nextGaussian(), 0.6})));
                atoms = 2;
            } else {
                Lattice box = Lattice.fromMatrix(new double[][] {{64, 0, 0}, {0, 64, 0}, {0, 0, 64}});
                List<Site> s = new ArrayList<>();
                double[][] xyz = {{0, 0, 0}, {1.1, 0, 0}, {-0.4, 1.0, 0}, {-0.3, -0.4, 1.0}};
                for (int i = 0; i < 4; i++) {
                    double[] c = xyz[i].clone();
                    for (int a = 0; a < 3; a++) {
                        c[a] += 0.05 * r.nextGaussian();
                    }
                    s.add(Site.of(Element.of(i == 0 ? "C" : "H"), box.toFractional(c)));
                }
                b = Structure.builder().lattice(box).sites(s).pbc(false, false, false);
                atoms = 4;
            }
            double[][] f = new double[atoms][3];
            for (double[] row : f) {
                for (int a = 0; a < 3; a++) {
                    row[a] = r.nextGaussian();
                }
            }
            int nh = atoms == 2 ? 1 : 3;
            out.add(b.property("energy", -150.0 - 13.0 * nh + 0.3 * r.nextGaussian()).siteProperty("forces", f)
                    .build());
        }
        return out;
    }

    @Test
    void registeredAndConfigRoundTrips() throws Exception {
        assertThat(ModelRegistry.find("pet")).isPresent();
        PetPlugin p = new PetPlugin();
        PetConfig c = (PetConfig) p.parseConfig(new ObjectMapper().readTree(
                "{\"R_CUT\": 4.5, \"N_GNN_LAYERS\": 2, \"TRANSFORMER_TYPE\": \"PostLN\", \"DTYPE\": \"float64\"}"));
        assertThat(c.rCut()).isEqualTo(4.5);
        assertThat(p.parseConfig(c.toJson())).isEqualTo(c);
        assertThatThrownBy(() -> p.parseConfig(new ObjectMapper().readTree("{\"TRANSFORMER_TYPE\": \"PreLN\"}")))
                .hasMessageContaining("TRANSFORMER_TYPE");
        assertThatThrownBy(() -> p.parseConfig(new ObjectMapper().readTree("{\"R_CUTT\": 4}")))
                .hasMessageContaining("R_CUTT");
    }

    @Test
    void selfContributionsAreTheRidgeFit() {
        ModelSetup s = new ModelSetup(tiny(), Normalisation.identity(List.of("energy")), List.of("H", "C"),
                Precision.FLOAT64);
        List<Structure> d = data(8, 3);
        ModelSetup fitted = new PetPlugin().fitToTrainingData(s, d);
        Normalisation.Target t = fitted.normalisation().targets().get(0);
        // C + H cells and C + 3H molecules: two equations, the noise-free part is e_C = -150, e_H = -13
        assertThat(t.elementOffsets().get("C")).isCloseTo(-150.0, org.assertj.core.data.Offset.offset(1.0));
        assertThat(t.elementOffsets().get("H")).isCloseTo(-13.0, org.assertj.core.data.Offset.offset(0.5));
        assertThat(t.mean()).isZero();
        assertThat(((PetConfig) fitted.config()).forceSigma()).isBetween(0.5, 1.6);
    }

    @Test
    void trainsThroughTheSharedTrainerAndPredictsEnergiesAndForces() throws Exception {
        Backend.get();
        PetPlugin plugin = new PetPlugin();
        ModelSetup setup = plugin.fitToTrainingData(new ModelSetup(tiny(), Normalisation.identity(List.of("energy")),
                List.of("H", "C"), Precision.FLOAT64), data(8, 5));
        List<Sample> train = data(8, 5).stream().map(s -> plugin.prepare(s, setup)).toList();
        List<Sample> val = data(4, 6).stream().map(s -> plugin.prepare(s, setup)).toList();
        TrainConfig tc = TrainConfig.builder().seed(3).optimizer("adam").lr(1e-3).weightDecay(0).clipNorm(0)
                .schedule("step_halving", 0, 100).batchSize(4).epochs(2).swaEpochs(0).plots(false).build();
        TrainResult r = Trainer.builder().plugin(plugin).setup(setup).config(tc).train(train).validation(val)
                .output(dir.resolve("run")).quiet(true).build().run();
        assertThat(r.completed()).isTrue();
        assertThat(r.history()).hasSize(2);
        assertThat(r.history().get(0).trainLoss()).isFinite().isPositive();
        assertThat(Files.exists(r.modelFile())).isTrue();

        ModelFile file = ModelFile.read(r.modelFile());
        ModelSetup loaded = ModelSetup.of(file, plugin, Precision.FLOAT64);
        assertThat(loaded.normalisation().targets().get(0).elementOffsets()).containsKeys("C", "H");
        try (NDManager m = Backend.get().newManager()) {
            PetBlock block = PetPredictor.newBlock(loaded, m);
            Weights.load(block.namedParameters(), file.weights(), true);
            PetPredictor pred = new PetPredictor(loaded, block, m);
            List<Structure> test = data(2, 9);
            List<PetPredictor.Prediction> p = pred.predict(test);
            assertThat(p).hasSize(2);
            assertThat(p.get(0).forces()).hasNumberOfRows(2);
            assertThat(p.get(1).forces()).hasNumberOfRows(4);
            // the energy includes the self-contributions (≈ -163 eV and ≈ -189 eV), forces are −dE/dr
            assertThat(p.get(0).energy()).isBetween(-175.0, -150.0);
            Structure s = test.get(1);
            double h = 1e-4;
            double worst = 0;
            for (int i = 0; i < s.size(); i++) {
                double[] fd = new double[3];
                for (int a = 0; a < 3; a++) {
                    double ep = pred.predict(List.of(displaced(s, i, a, h))).get(0).energy();
                    double em = pred.predict(List.of(displaced(s, i, a, -h))).get(0).energy();
                    worst = Math.max(worst, Math.abs(-(ep - em) / (2 * h) - p.get(1).forces()[i][a]));
                }
            }
            System.out.printf(Locale.ROOT, "PET predictor forces vs finite differences: worst %.2e eV/Å%n", worst);
            assertThat(worst).isLessThan(1e-6);
        }
    }

    static Structure displaced(Structure s, int atom, int axis, double h) {
        double[][] cart = s.cartesianCoordinates();
        cart[atom][axis] += h;
        List<Site> sites = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            sites.add(s.site(i).withFrac(s.lattice().toFractional(cart[i])));
        }
        return s.toBuilder().sites(sites).build();
    }
}
