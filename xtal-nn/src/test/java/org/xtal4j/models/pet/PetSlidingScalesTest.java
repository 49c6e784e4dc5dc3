package org.xtal4j.models.pet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.io.HostTensor;
import org.xtal4j.nn.io.NamedTensors;
import org.xtal4j.nn.io.Safetensors;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.nn.model.Weights;
import org.xtal4j.nn.train.TrainConfig;
import org.xtal4j.nn.train.TrainResult;
import org.xtal4j.nn.train.Trainer;
import org.xtal4j.structure.Structure;

/**
 * The sliding loss scales σ_E, σ_F in {@code Trainer} runs of a tiny PET (float64): they follow
 * {@link PetLoss#slide} with the validation RMSE of the epoch's weights, they change the training loss of the
 * next epoch, and they survive a stop and resume exactly.
 */
class PetSlidingScalesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final PetPlugin plugin = new PetPlugin();
    private final List<Structure> trainData = PetPluginTest.data(8, 5);
    private final List<Structure> valData = PetPluginTest.data(4, 6);

    private ModelSetup setup(double slidingFactor) {
        Backend.get();
        return plugin.fitToTrainingData(new ModelSetup(PetPluginTest.tiny().toBuilder().slidingFactor(slidingFactor)
                .build(), Normalisation.identity(List.of("energy")), List.of("H", "C"), Precision.FLOAT64), trainData);
    }

    private Trainer.Builder trainer(ModelSetup setup, Path out, int epochs) {
        List<Sample> train = trainData.stream().map(s -> plugin.prepare(s, setup)).toList();
        List<Sample> val = valData.stream().map(s -> plugin.prepare(s, setup)).toList();
        TrainConfig tc = TrainConfig.builder().seed(11).optimizer("adam").lr(3e-3).weightDecay(0).clipNorm(0)
                .schedule("step_halving", 0, 100).batchSize(4).epochs(epochs).swaEpochs(0).plots(false).build();
        return Trainer.builder().plugin(plugin).setup(setup).config(tc).train(train).validation(val).output(out)
                .quiet(true);
    }

    private static JsonNode checkpointState(Path out) throws Exception {
        NamedTensors ck = Safetensors.read(out.resolve("checkpoint/last.safetensors"));
        return JSON.readTree(ck.metadata().get("xtal4j.checkpoint"));
    }

    @Test
    void scalesSlideWithTheValidationRmseOfTheEpoch() throws Exception {
        ModelSetup setup = setup(0.7);
        PetConfig cfg = (PetConfig) setup.config();
        double sigmaE0 = cfg.energySigma();
        double sigmaF0 = cfg.forceSigma();
        Path out = dir.resolve("a");
        TrainResult r = trainer(setup, out, 3).stopAfterEpochs(1).build().run();
        assertThat(r.epochsDone()).isEqualTo(1);
        JsonNode ck = checkpointState(out);
        double sigmaE1 = ck.get("modelState").get("sigma_energy").asDouble();
        double sigmaF1 = ck.get("modelState").get("sigma_forces").asDouble();

        // the validation RMSE of the epoch-1 weights, computed independently with the predictor
        double[] rmse = validationRmse(setup, ck, out);
        double wantE = PetLoss.slide(sigmaE0, rmse[0]);
        double wantF = PetLoss.slide(sigmaF0, rmse[1]);
        System.out.printf(Locale.ROOT, "sliding scales after epoch 1: σ_E %.6g -> %.6g (want %.6g, RMSE %.4g eV),"
                + " σ_F %.6g -> %.6g (want %.6g, RMSE %.4g eV/Å)%n", sigmaE0, sigmaE1, wantE, rmse[0], sigmaF0,
                sigmaF1, wantF, rmse[1]);
        assertThat(Math.abs(sigmaE1 - sigmaE0)).isGreaterThan(1e-3 * sigmaE0);
        assertThat(Math.abs(sigmaF1 - sigmaF0)).isGreaterThan(1e-3 * sigmaF0);
        assertThat(Math.abs(sigmaE1 - wantE)).isLessThan(1e-9 * wantE);
        assertThat(Math.abs(sigmaF1 - wantF)).isLessThan(1e-9 * wantF);
    }

    private double[] validationRmse(ModelSetup setup, JsonNode ck, Path out) throws Exception {
        NamedTensors tensors = Safetensors.read(out.resolve("checkpoint/last.safetensors"));
        Map<String, HostTensor> params = new LinkedHashMap<>();
        tensors.tensors().forEach((k, v) -> {
            if (k.startsWith("param.")) {
                params.put(k.substring(6), v);
            }
        });
        try (NDManager m = Backend.get().newManager()) {
            PetBlock block = PetPredictor.newBlock(setup, m);
            Weights.load(block.namedParameters(), new NamedTensors(params, Map.of(), "checkpoint"), true);
            List<PetPredictor.Prediction> p = new PetPredictor(setup, block, m).predict(valData);
            double e2 = 0;
            double f2 = 0;
            int fn = 0;
            for (int k = 0; k < valData.size(); k++) {
                Structure s = valData.get(k);
                double d = p.get(k).energy() - ((Number) s.properties().get("energy")).doubleValue();
                e2 += d * d;
                double[][] f = s.siteProperties().get("forces");
                for (int i = 0; i < f.length; i++) {
                    for (int a = 0; a < 3; a++) {
                        double df = p.get(k).forces()[i][a] - f[i][a];
                        f2 += df * df;
                        fn++;
                    }
                }
            }
            return new double[] {Math.sqrt(e2 / valData.size()), Math.sqrt(f2 / fn)};
        }
    }

    @Test
    void slidingChangesTheNextEpochsTrainingLossOnly() throws Exception {
        TrainResult sliding = trainer(setup(0.7), dir.resolve("s"), 2).build().run();
        TrainResult fixed = trainer(setup(1.0), dir.resolve("f"), 2).build().run();
        // epoch 1 uses the initial scales in both runs; from epoch 2 on the sliding run weighs the terms anew
        assertThat(sliding.history().get(0).sameResults(fixed.history().get(0))).isTrue();
        assertThat(sliding.history().get(1).trainLoss()).isNotEqualTo(fixed.history().get(1).trainLoss());
        JsonNode f = checkpointState(dir.resolve("f")).get("modelState");
        PetConfig cfg = (PetConfig) setup(1.0).config();
        assertThat(f.get("sigma_energy").asDouble()).isEqualTo(cfg.energySigma());
        assertThat(f.get("sigma_forces").asDouble()).isEqualTo(cfg.forceSigma());
    }

    @Test
    void aStoppedAndResumedRunEndsExactlyAsAnUnbrokenOne() throws Exception {
        ModelSetup setup = setup(0.7);
        TrainResult straight = trainer(setup, dir.resolve("straight"), 3).build().run();
        Path b = dir.resolve("broken");
        TrainResult part = trainer(setup, b, 3).stopAfterEpochs(1).build().run();
        assertThat(part.completed()).isFalse();
        TrainResult resumed = trainer(setup, b, 3).resume(true).build().run();
        assertThat(resumed.completed()).isTrue();
        assertThat(resumed.history()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(resumed.history().get(i).sameResults(straight.history().get(i)))
                    .as("epoch %d: %s vs %s", i + 1, resumed.history().get(i), straight.history().get(i)).isTrue();
        }
        for (String name : straight.weights().names()) {
            assertThat(resumed.weights().tensors().get(name).toDoubleArray()).as(name)
                    .containsExactly(straight.weights().tensors().get(name).toDoubleArray());
        }
        JsonNode a = checkpointState(dir.resolve("straight")).get("modelState");
        JsonNode c = checkpointState(b).get("modelState");
        assertThat(c).isEqualTo(a);
        assertThat(a.get("sigma_energy").asDouble()).isNotEqualTo(((PetConfig) setup.config()).energySigma());
    }
}
