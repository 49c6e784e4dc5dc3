package org.xtal4j.nn.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CrystalformerFlopsTest {

    @Test
    void smallestModelCountsByHand() {
        // 1 layer, D 2, F 2, 1 head (d 2), no radial basis, no hidden MLP, 1 target; 1 atom, 1 translation:
        // dense 8·4 + 4·2·2 + 2·2 = 52; periodic 1·1·1·5 = 5; attention 4·2 + 4 = 12; other 2·98·2 + 2·2·1 = 396
        CrystalformerFlops f = new CrystalformerFlops(1, 2, 2, 1, 0, 0, List.of(), 1);
        CrystalformerFlops.Breakdown b = f.forward(1, 1);
        assertThat(b.dense()).isEqualTo(52);
        assertThat(b.periodicSums()).isEqualTo(5);
        assertThat(b.attention()).isEqualTo(12);
        assertThat(b.other()).isEqualTo(396);
        assertThat(f.training(1, 1)).isEqualTo(3 * 465);
    }

    @Test
    void partsScaleWithAtomsPairsAndTranslations() {
        CrystalformerFlops f = CrystalformerFlops.defaults();
        CrystalformerFlops.Breakdown a = f.forward(4, 125);
        CrystalformerFlops.Breakdown b = f.forward(8, 125);
        CrystalformerFlops.Breakdown c = f.forward(8, 250);
        assertThat(b.dense() / a.dense()).isCloseTo(2.0, within(1e-12));          // per atom
        assertThat(b.periodicSums() / a.periodicSums()).isCloseTo(4.0, within(1e-12)); // per pair
        assertThat(c.periodicSums() / b.periodicSums()).isCloseTo(2.0, within(1e-12)); // per translation
        assertThat(c.dense()).isEqualTo(b.dense());
        // default model, 8 atoms, 125 translations: 4·64·8·125·(5 + 128) periodic FLOPs
        assertThat(b.periodicSums()).isEqualTo(4.0 * 64 * 8 * 125 * 133);
        // a sparse radial basis needs fewer FLOPs in the periodic sums only
        CrystalformerFlops sparse = new CrystalformerFlops(4, 128, 512, 8, 64, 15, List.of(128), 1);
        assertThat(sparse.forward(8, 125).periodicSums()).isLessThan(b.periodicSums() / 3);
        assertThat(sparse.forward(8, 125).dense()).isEqualTo(b.dense());
    }

    @Test
    void rejectsImpossibleConfigurations() {
        assertThatThrownBy(() -> new CrystalformerFlops(4, 130, 512, 8, 64, 64, List.of(), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CrystalformerFlops(4, 128, 512, 8, 64, 65, List.of(), 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
