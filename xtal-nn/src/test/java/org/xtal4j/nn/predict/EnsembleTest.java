package org.xtal4j.nn.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnsembleTest {

    @Test
    void meanAndSampleStdPerTarget() {
        Ensemble.Result r = Ensemble.combine(List.of(new Prediction(new double[] {1, 10}, null),
                new Prediction(new double[] {2, 10}, null), new Prediction(new double[] {6, 10}, null)));
        assertThat(r.ok()).isTrue();
        assertThat(r.mean()).containsExactly(3, 10);
        // deviations -2, -1, 3: sum of squares 14 over n - 1 = 2
        assertThat(r.std()[0]).isCloseTo(Math.sqrt(7), within(1e-15));
        assertThat(r.std()[1]).isZero();
    }

    @Test
    void oneModelHasNoSpreadAndAnyFailureIsTheResult() {
        assertThat(Ensemble.combine(List.of(new Prediction(new double[] {-0.5}, null))).std()).containsExactly(0);
        Ensemble.Result r = Ensemble.combine(List.of(new Prediction(new double[] {1}, null),
                Prediction.failed("structure has no sites")));
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).isEqualTo("structure has no sites");
        assertThat(r.mean()).isNull();
    }
}
