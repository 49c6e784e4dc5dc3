package org.xtal4j.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.xtal4j.structure.Structure;

class ScalingCellsTest {

    @Test
    void mostCubicFactorisation() {
        assertThat(ScalingCells.cubicFactors(1)).containsExactly(1, 1, 1);
        assertThat(ScalingCells.cubicFactors(8)).containsExactly(2, 2, 2);
        assertThat(ScalingCells.cubicFactors(12)).containsExactly(2, 2, 3);
        assertThat(ScalingCells.cubicFactors(7)).containsExactly(1, 1, 7);
        assertThat(ScalingCells.cubicFactors(200)).containsExactly(5, 5, 8);
        assertThat(ScalingCells.cubicFactors(100)).containsExactly(4, 5, 5);
    }

    @Test
    void supercellHasTheAtomsAndVolume() {
        Structure base = ScalingCells.defaultBase();
        Structure s = ScalingCells.withAtoms(base, 12);
        assertThat(s.size()).isEqualTo(12);
        assertThat(s.volume()).isCloseTo(12 * base.volume(), within(1e-9));
        assertThatThrownBy(() -> ScalingCells.withAtoms(ScalingCells.withAtoms(base, 2), 3))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
