package org.xtal4j.structure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatticeTest {

    @Test
    void parametersRoundTripInPymatgenConvention() {
        Lattice l = Lattice.fromParameters(4.0, 5.0, 6.0, 80, 95, 110);
        assertThat(l.a()).isCloseTo(4.0, within(1e-12));
        assertThat(l.b()).isCloseTo(5.0, within(1e-12));
        assertThat(l.c()).isCloseTo(6.0, within(1e-12));
        assertThat(l.alpha()).isCloseTo(80, within(1e-9));
        assertThat(l.beta()).isCloseTo(95, within(1e-9));
        assertThat(l.gamma()).isCloseTo(110, within(1e-9));
        // c along z
        assertThat(l.get(2, 0)).isEqualTo(0.0);
        assertThat(l.get(2, 1)).isEqualTo(0.0);
        assertThat(l.get(2, 2)).isEqualTo(6.0);
    }

    @Test
    void reciprocalIsInverseTranspose() {
        Lattice l = Lattice.fromParameters(3, 4, 5, 70, 80, 100);
        double[][] m = l.matrix();
        double[][] r = l.reciprocal().matrix();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double dot = m[i][0] * r[j][0] + m[i][1] * r[j][1] + m[i][2] * r[j][2];
                assertThat(dot).isCloseTo(i == j ? 1.0 : 0.0, within(1e-12));
            }
        }
        assertThat(l.reciprocal2Pi().volume()).isCloseTo(Math.pow(2 * Math.PI, 3) / l.volume(), within(1e-9));
    }

    @Test
    void fractionalCartesianRoundTrip() {
        Lattice l = Lattice.fromParameters(3, 4, 5, 70, 80, 100);
        double[] f = {0.1, -0.7, 2.3};
        double[] back = l.toFractional(l.toCartesian(f));
        assertThat(back).containsExactly(f, within(1e-12));
    }

    @Test
    void degenerateCellsAreRejected() {
        assertThatThrownBy(() -> Lattice.fromParameters(3, 3, 3, 90, 90, 180)).hasMessageContaining("outside");
        assertThatThrownBy(() -> Lattice.fromRowMajor(1, 0, 0, 0, 1, 0, 1, 1, 0)).hasMessageContaining("degenerate");
        assertThatThrownBy(() -> Lattice.fromParameters(3, Double.NaN, 3, 90, 90, 90)).hasMessageContaining("finite");
    }
}
