package org.xtal4j.nn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.io.HostTensor;
import org.xtal4j.nn.io.NamedTensors;
import org.xtal4j.nn.model.ModelFile;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Provenance;
import org.xtal4j.nn.model.Weights;
import org.xtal4j.nn.Precision;

/** The training loop end to end on the toy plugin: outputs, exact resume after a crash, early stopping. */
class TrainerTest {

    @TempDir
    Path dir;

    private static final ToyData DATA = new ToyData();

    private static TrainConfig.Builder base() {
        return TrainConfig.builder().seed(7).lr(2e-2).batchSize(8).schedule("inverse_sqrt_nowarmup", 50)
                .weightDecay(1e-4).plots(false);
    }

    private static Trainer.Builder trainer(TrainConfig c, Path out) {
        return Trainer.builder().plugin(ToyData.PLUGIN).setup(DATA.setup).config(c).train(DATA.trainSamples)
                .validation(DATA.valSamples).output(out).quiet(true).gitCommit("0123456789abcdef0123456789abcdef01234567");
    }

    @Test
    void trainsAndWritesMetricsCheckpointModelAndPlots() throws Exception {
        TrainConfig c = base().epochs(12).swaEpochs(3).plots(true).build();
        java.io.ByteArrayOutputStream lines = new java.io.ByteArrayOutputStream();
        TrainResult r = trainer(c, dir).provenance(Provenance.now().withDataset("toy", "3:1", 7L)).quiet(false)
                .progress(true).log(new java.io.PrintStream(lines, true, java.nio.charset.StandardCharsets.UTF_8))
                .build().run();
        String log = lines.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(log).contains("epoch 1: train loss ").contains("val MAE e_form").contains("structures/s")
                .contains("finished: ");
        assertThat(r.completed()).isTrue();
        assertThat(r.usedSwa()).isTrue();
        assertThat(r.history()).hasSize(12);
        EpochMetrics first = r.history().get(0);
        EpochMetrics last = r.history().get(11);
        assertThat(last.trainLoss()).isLessThan(first.trainLoss() * 0.7);
        assertThat(last.valMae()[0]).isLessThan(first.valMae()[0]);
        // lr frozen during the SWA epochs (10..12), decaying before
        assertThat(r.history().get(9).lr()).isEqualTo(r.history().get(11).lr());
        assertThat(r.history().get(8).lr()).isGreaterThan(r.history().get(9).lr());

        List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
        assertThat(csv.get(0)).isEqualTo("epoch,train_loss,train_mae_e_form,val_loss,val_mae_e_form,lr,seconds,"
                + "structures_per_s");
        assertThat(csv).hasSize(13);
        assertThat(csv.get(12)).startsWith("12," + last.trainLoss() + "," + last.trainMae()[0] + ",");
        for (String f : List.of("checkpoint/last.safetensors", "checkpoint/best.safetensors", "model.xtal",
                "best.xtal", "learning_curves.png", "parity_val_e_form.png")) {
            assertThat(dir.resolve(f)).isRegularFile();
        }
        byte[] png = Files.readAllBytes(dir.resolve("learning_curves.png"));
        assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");

        // the model file holds the SWA weights and reproduces the reported validation MAE
        ModelFile mf = ModelFile.read(dir.resolve("model.xtal"));
        assertThat(mf.modelType()).isEqualTo("toy");
        assertThat(mf.provenance().seed()).isEqualTo(7L);
        assertThat(mf.provenance().dataset()).isEqualTo("toy");
        assertThat(mf.provenance().gitCommit()).startsWith("0123456789");
        assertThat(mf.provenance().extra().get("weights").asText()).isEqualTo("swa");
        assertThat(mf.normalisation()).isEqualTo(DATA.setup.normalisation());
        assertThat(mf.weights().tensors()).isEqualTo(r.weights().tensors());
        double valMae = r.metrics().get("val_mae_e_form");
        assertThat(mf.provenance().metrics().get("val_mae_e_form")).isEqualTo(valMae);
        assertThat(r.metrics()).containsKeys("best_val_mae_e_form", "swa_val_r2_e_form", "val_rmse_e_form");
        assertThat(independentValMae(mf)).isCloseTo(valMae, within(1e-6));
        ModelFile best = ModelFile.read(dir.resolve("best.xtal"));
        assertThat(best.provenance().extra().get("weights").asText()).isEqualTo("best");
        assertThat(best.weights().tensors()).isNotEqualTo(mf.weights().tensors());
    }

    /** Validation MAE recomputed from a model file with plain plugin calls, outside the trainer. */
    private static double independentValMae(ModelFile mf) {
        ModelSetup s = ModelSetup.of(mf, ToyData.PLUGIN, Precision.FLOAT32);
        try (NDManager m = Backend.get().newManager()) {
            Block b = ToyData.PLUGIN.newBlock(s);
            ToyData.PLUGIN.initialize(b, m, s);
            Weights.load(ToyData.PLUGIN.namedParameters(b), mf.weights(), true);
            var batch = ToyData.PLUGIN.collate(DATA.valSamples, m, s);
            float[] p = ToyData.PLUGIN.forward(b, new ai.djl.training.ParameterStore(m, false), batch, false, false, s)
                    .get(0).toFloatArray();
            double sum = 0;
            var t = s.normalisation().targets().get(0);
            for (int i = 0; i < p.length; i++) {
                double y = ((Number) DATA.val.get(i).properties().get("e_form")).doubleValue();
                sum += Math.abs(t.denormalise(p[i]) - y);
            }
            return sum / p.length;
        }
    }

    @Test
    void aRunKilledAndResumedEndsExactlyAsAnUnbrokenOne() throws Exception {
        TrainConfig c = base().epochs(6).swaEpochs(2).build();
        TrainResult straight = trainer(c, dir.resolve("a")).build().run();

        Path b = dir.resolve("b");
        TrainResult part1 = trainer(c, b).stopAfterEpochs(3).build().run();   // then "killed"
        assertThat(part1.completed()).isFalse();
        assertThat(part1.epochsDone()).isEqualTo(3);
        assertThat(part1.modelFile()).isNull();
        TrainResult part2 = trainer(c, b).resume(true).stopAfterEpochs(2).build().run();   // stops inside SWA
        assertThat(part2.epochsDone()).isEqualTo(5);
        TrainResult resumed = trainer(c, b).resume(true).build().run();

        assertThat(resumed.completed()).isTrue();
        assertThat(resumed.epochsDone()).isEqualTo(6);
        assertThat(resumed.bestEpoch()).isEqualTo(straight.bestEpoch());
        for (int i = 0; i < 6; i++) {
            EpochMetrics x = straight.history().get(i);
            EpochMetrics y = resumed.history().get(i);
            assertThat(y.sameResults(x)).as("epoch %d: %s vs %s", i + 1, y, x).isTrue();
        }
        for (String name : straight.weights().names()) {
            HostTensor x = straight.weights().get(name);
            HostTensor y = resumed.weights().get(name);
            assertThat(y.toFloatArray()).as(name).containsExactly(x.toFloatArray());
        }
        assertThat(resumed.metrics()).isEqualTo(straight.metrics());
        // and the run did change the weights (the comparison is not vacuous)
        assertThat(straight.history().get(5).trainLoss()).isNotEqualTo(straight.history().get(0).trainLoss());
    }

    @Test
    void resumeRefusesAnotherConfiguration() throws Exception {
        trainer(base().epochs(3).swaEpochs(0).build(), dir).stopAfterEpochs(1).build().run();
        Trainer t = trainer(base().epochs(3).swaEpochs(0).lr(0.5).build(), dir).resume(true).build();
        assertThatThrownBy(t::run).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another training configuration").hasMessageContaining("lr");
    }

    @Test
    void earlyStoppingStopsAfterPatienceEpochsWithoutImprovement() throws Exception {
        TrainConfig c = base().epochs(40).swaEpochs(0).schedule("const").lr(1.5).patience(2).build();
        TrainResult r = trainer(c, dir).build().run();
        assertThat(r.completed()).isTrue();
        assertThat(r.usedSwa()).isFalse();
        assertThat(r.epochsDone()).isLessThan(40).isEqualTo(r.bestEpoch() + 2);
        double bestVal = r.history().get(r.bestEpoch() - 1).valLoss();
        assertThat(r.history()).allSatisfy(e -> assertThat(e.valLoss()).isGreaterThanOrEqualTo(bestVal));
        // without SWA the model is the best epoch's, and its validation loss is the best one
        assertThat(r.metrics().get("val_loss")).isCloseTo(bestVal, within(1e-6));
    }

    @Test
    void trainerLossesMatchTheModelLossWhereTheyCoincide() throws Exception {
        // the toy plugin's own loss is L1 summed over targets, averaged over the batch: the same numbers
        TrainConfig model = base().epochs(3).swaEpochs(0).build();
        TrainResult a = trainer(model, dir.resolve("model")).build().run();
        TrainResult b = trainer(model.toBuilder().lossFunc("L1").build(), dir.resolve("l1")).build().run();
        TrainResult c = trainer(model.toBuilder().lossFunc("MSE").build(), dir.resolve("mse")).build().run();
        for (int i = 0; i < 3; i++) {
            assertThat(b.history().get(i).sameResults(a.history().get(i))).isTrue();
        }
        assertThat(c.history().get(0).trainLoss()).isNotEqualTo(a.history().get(0).trainLoss());
        assertThat(c.history().get(2).trainLoss()).isLessThan(c.history().get(0).trainLoss());
    }
}
