package org.xtal4j.nn.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Spearman's ρ and the ensemble metrics against values worked out by hand. */
class RankCorrelationTest {

    @Test
    void tiesShareTheAverageOfTheirRanks() {
        // sorted: 1 (index 1), 2 (index 3), then three 3s on ranks 3, 4, 5 → 4 each
        assertThat(RankCorrelation.ranks(new double[] {3, 1, 3, 2, 3})).containsExactly(4, 1, 4, 2, 4);
        assertThat(RankCorrelation.ranks(new double[] {-0.5, 7})).containsExactly(1, 2);
    }

    @Test
    void withoutTiesItIsTheTextbookFormula() {
        // ranks x = 3 1 4 2, y = 3 1 2 4: d = 0 0 2 -2, Σd² = 8, ρ = 1 - 6·8 / (4·15) = 0.2
        double rho = RankCorrelation.spearman(new double[] {3.1, 1.2, 5.0, 2.2}, new double[] {0.3, 0.1, 0.2, 0.4});
        assertThat(rho).isCloseTo(0.2, within(1e-15));
    }

    @Test
    void withTiesItIsPearsonOfTheAverageRanks() {
        // ranks x = 1 2.5 2.5 4 5, y = 1 3 2 5 4; deviations from 3: (-2 -.5 -.5 1 2), (-2 0 -1 2 1)
        // Σ dx·dy = 8.5, Σ dx² = 9.5, Σ dy² = 10 → ρ = 8.5 / √95 = 0.87208...
        double rho = RankCorrelation.spearman(new double[] {10, 20, 20, 30, 40}, new double[] {1, 3, 2, 5, 4});
        assertThat(rho).isCloseTo(8.5 / Math.sqrt(95), within(1e-15));
        assertThat(rho).isCloseTo(0.8720816, within(1e-7));
        // ties in both: ranks 1.5 1.5 3.5 3.5 against 1.5 3.5 1.5 3.5 → uncorrelated
        assertThat(RankCorrelation.spearman(new double[] {1, 1, 2, 2}, new double[] {1, 2, 1, 2}))
                .isCloseTo(0, within(1e-15));
    }

    @Test
    void itOnlySeesTheOrder() {
        assertThat(RankCorrelation.spearman(new double[] {1, 2, 3, 4}, new double[] {1, 8, 27, 1000}))
                .isCloseTo(1, within(1e-15));
        assertThat(RankCorrelation.spearman(new double[] {1, 2, 3, 4}, new double[] {5, 0, -1, -9}))
                .isCloseTo(-1, within(1e-15));
    }

    @Test
    void undefinedCasesAreNaNOrRefused() {
        assertThat(RankCorrelation.spearman(new double[] {1, 1, 1}, new double[] {1, 2, 3})).isNaN();
        assertThat(RankCorrelation.spearman(new double[] {1}, new double[] {2})).isNaN();
        assertThatThrownBy(() -> RankCorrelation.spearman(new double[] {1, 2}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RankCorrelation.spearman(new double[] {1, Double.NaN}, new double[] {1, 2}))
                .hasMessageContaining("NaN");
    }

    @Test
    void ensembleMetricsOfThreeStructures() {
        // errors |mean - label| = 0.5, 0, 1; labels' mean 1, Σ(label - 1)² = 2
        EnsembleMetrics m = EnsembleMetrics.of(new double[] {0, 1, 2}, new double[] {0.5, 1, 1},
                new double[] {0.2, 0.1, 0.4});
        assertThat(m.n()).isEqualTo(3);
        assertThat(m.mae()).isCloseTo(0.5, within(1e-15));
        assertThat(m.rmse()).isCloseTo(Math.sqrt(1.25 / 3), within(1e-15));
        assertThat(m.r2()).isCloseTo(1 - 1.25 / 2, within(1e-15));
        assertThat(m.meanStd()).isCloseTo(0.7 / 3, within(1e-15));
        assertThat(m.spearman()).isCloseTo(1, within(1e-15));   // std ranks 2 1 3, errors 2 1 3
        // one model: no spread, no ranking
        assertThat(EnsembleMetrics.of(new double[] {0, 1}, new double[] {1, 1}, new double[] {0, 0}).spearman())
                .isNaN();
    }
}
