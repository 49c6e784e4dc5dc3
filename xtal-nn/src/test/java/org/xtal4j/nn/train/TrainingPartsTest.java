package org.xtal4j.nn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Sample;

/** Losses, target normalisation, metrics and the batcher, against values computed by hand. */
class TrainingPartsTest {

    @Test
    void lossesSumOverTargetsAndAverageOverTheBatch() {
        try (NDManager m = Backend.get().newManager()) {
            NDArray p = m.create(new double[][] {{0.0, 3.0}, {1.0, -0.5}});
            NDArray y = m.create(new double[][] {{0.5, 1.0}, {1.0, 0.0}});
            // differences: (−0.5, 2), (0, −0.5)
            assertThat(Losses.l1(p, y).getDouble()).isCloseTo((0.5 + 2 + 0 + 0.5) / 2, within(1e-15));
            assertThat(Losses.mse(p, y).getDouble()).isCloseTo((0.25 + 4 + 0 + 0.25) / 2, within(1e-15));
            // smooth L1 (beta 1): 0.5·0.25, 2 − 0.5, 0, 0.5·0.25
            assertThat(Losses.smoothL1(p, y).getDouble()).isCloseTo((0.125 + 1.5 + 0 + 0.125) / 2, within(1e-15));
        }
    }

    @Test
    void normalisationUsesThePopulationStd() {
        Normalisation.Target t = TargetNormaliser.target("y", "eV", new double[] {1, 2, 3, 6},
                TargetNormaliser.Mode.SCALE_BIAS);
        assertThat(t.mean()).isEqualTo(3.0);
        assertThat(t.std()).isCloseTo(Math.sqrt((4 + 1 + 0 + 9) / 4.0), within(1e-15));
        assertThat(TargetNormaliser.target("y", "", new double[] {2, 2}, TargetNormaliser.Mode.SCALE_BIAS).std())
                .isEqualTo(1.0);
        Normalisation.Target b = TargetNormaliser.target("y", "", new double[] {1, 3}, TargetNormaliser.Mode.BIAS);
        assertThat(b.mean()).isEqualTo(2.0);
        assertThat(b.std()).isEqualTo(1.0);
        Normalisation.Target s = TargetNormaliser.target("y", "", new double[] {1, 3}, TargetNormaliser.Mode.SCALE);
        assertThat(s.mean()).isEqualTo(0.0);
        assertThat(s.std()).isEqualTo(1.0);
    }

    @Test
    void metricsInOriginalUnits() {
        Normalisation n = new Normalisation(List.of(new Normalisation.Target("a", "", 10, 2),
                new Normalisation.Target("b", "", 0, 1)));
        RegressionMetrics m = new RegressionMetrics(n);
        // truth a = 10 + 2·(−1, 0, 1) = 8, 10, 12; predictions 9, 10, 12 → errors 1, 0, 0
        m.add(new double[] {-0.5, 1, 0, 2}, new double[] {-1, 1, 0, 2});
        m.add(new double[] {1, 3}, new double[] {1, 4});
        assertThat(m.count()).isEqualTo(3);
        assertThat(m.mae()[0]).isCloseTo(1 / 3.0, within(1e-15));
        assertThat(m.rmse()[0]).isCloseTo(Math.sqrt(1 / 3.0), within(1e-15));
        assertThat(m.r2()[0]).isCloseTo(1 - 1 / 8.0, within(1e-12));   // SST = 4 + 0 + 4
        assertThat(m.mae()[1]).isCloseTo(1 / 3.0, within(1e-15));
    }

    private record S(int atomCount) implements Sample {
        @Override
        public boolean hasLabels() {
            return true;
        }
    }

    @Test
    void batchesGroupSimilarSizesAndAreSeeded() {
        List<S> samples = new ArrayList<>();
        for (int i = 0; i < 103; i++) {
            samples.add(new S(1 + (i * 37) % 50));
        }
        Batcher b = new Batcher(10, 0, true, false, 5);
        List<int[]> e0 = b.trainingBatches(samples, 0);
        assertThat(e0).hasSize(11);
        Set<Integer> seen = new HashSet<>();
        int spread = 0;
        for (int[] batch : e0) {
            int lo = Integer.MAX_VALUE;
            int hi = 0;
            for (int i : batch) {
                assertThat(seen.add(i)).isTrue();
                lo = Math.min(lo, samples.get(i).atomCount());
                hi = Math.max(hi, samples.get(i).atomCount());
            }
            spread = Math.max(spread, hi - lo);
        }
        assertThat(seen).hasSize(103);
        assertThat(spread).isLessThanOrEqualTo(5);   // sizes 1..50, 10 per batch, each size about twice
        List<int[]> again = b.trainingBatches(samples, 0);
        List<int[]> e1 = b.trainingBatches(samples, 1);
        assertThat(Arrays.deepEquals(e0.toArray(), again.toArray())).isTrue();
        assertThat(Arrays.deepEquals(e0.toArray(), e1.toArray())).isFalse();
        assertThat(new Batcher(10, 0, true, true, 5).trainingBatches(samples, 0)).hasSize(10)
                .allSatisfy(x -> assertThat(x).hasSize(10));
        // atom budget: every batch within 60 atoms, all samples used once
        List<int[]> budget = new Batcher(10, 60, true, false, 5).trainingBatches(samples, 3);
        int total = 0;
        for (int[] batch : budget) {
            int atoms = Arrays.stream(batch).map(i -> samples.get(i).atomCount()).sum();
            assertThat(atoms <= 60 || batch.length == 1).isTrue();
            total += batch.length;
        }
        assertThat(total).isEqualTo(103);
    }

    @Test
    void swaIsTheEqualWeightMeanOfAllUpdates() {
        try (NDManager m = Backend.get().newManager(); SwaAverage swa = new SwaAverage(m)) {
            NDArray p = m.create(new float[] {1f, -2f});
            float[][] values = {{1f, -2f}, {2f, 0f}, {6f, 5f}, {-1f, 1f}};
            for (float[] v : values) {
                m.create(v).copyTo(p);
                swa.update(java.util.Map.of("w", p));
            }
            assertThat(swa.count()).isEqualTo(4);
            float[] avg = swa.weights().get("w").toFloatArray();
            assertThat((double) avg[0]).isCloseTo(2.0, within(1e-6));
            assertThat((double) avg[1]).isCloseTo(1.0, within(1e-6));
            assertThat(p.toFloatArray()).containsExactly(-1f, 1f);   // the model's own weights are untouched
        }
    }
}
