package org.xtal4j.geometry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xtal4j.structure.Lattice;

class LatticeTranslationsTest {

    @Test
    void sphereMatchesAWideSearch() {
        Random rnd = new Random(8);
        for (int trial = 0; trial < 30; trial++) {
            Lattice l = IntMat3.apply(Fixtures.randomUnimodular(rnd, 3), Fixtures.randomLattice(rnd, 3, 7));
            double[] r = {10 * rnd.nextDouble() - 5, 10 * rnd.nextDouble() - 5, 10 * rnd.nextDouble() - 5};
            double cutoff = 3 + 5 * rnd.nextDouble();
            int[] t = LatticeTranslations.withinCutoff(l, r, cutoff);
            double[][] m = l.matrix();
            int expected = 0;
            for (int a = -40; a <= 40; a++) {
                for (int b = -40; b <= 40; b++) {
                    for (int c = -40; c <= 40; c++) {
                        double x = r[0] + a * m[0][0] + b * m[1][0] + c * m[2][0];
                        double y = r[1] + a * m[0][1] + b * m[1][1] + c * m[2][1];
                        double z = r[2] + a * m[0][2] + b * m[1][2] + c * m[2][2];
                        if (x * x + y * y + z * z <= cutoff * cutoff) {
                            expected++;
                        }
                    }
                }
            }
            assertThat(t.length / 3).as("trial %d", trial).isEqualTo(expected);
            for (int q = 0; q < t.length; q += 3) {
                double x = r[0] + t[q] * m[0][0] + t[q + 1] * m[1][0] + t[q + 2] * m[2][0];
                double y = r[1] + t[q] * m[0][1] + t[q + 1] * m[1][1] + t[q + 2] * m[2][1];
                double z = r[2] + t[q] * m[0][2] + t[q + 1] * m[1][2] + t[q + 2] * m[2][2];
                assertThat(Math.sqrt(x * x + y * y + z * z)).isLessThanOrEqualTo(cutoff);
            }
        }
    }

    @Test
    void sphereIsInclusiveAtTheCutoff() {
        int[] t = LatticeTranslations.withinCutoff(Fixtures.cubic(2), new double[] {0, 0, 0}, 2);
        assertThat(t.length / 3).isEqualTo(7); // origin and the six face neighbours at exactly 2 Å
    }

    @Test
    void boxHasAllCellsInLexicographicOrder() {
        int[] b = LatticeTranslations.box(2, 2, 2);
        assertThat(b.length / 3).isEqualTo(125);
        assertThat(new int[] {b[0], b[1], b[2]}).containsExactly(-2, -2, -2);
        assertThat(new int[] {b[3], b[4], b[5]}).containsExactly(-2, -2, -1);
        assertThat(new int[] {b[b.length - 3], b[b.length - 2], b[b.length - 1]}).containsExactly(2, 2, 2);
        assertThat(LatticeTranslations.box(1, 0, 3).length / 3).isEqualTo(3 * 1 * 7);
    }

    @Test
    void crystalformerHalfWidthsFollowThePlaneSpacing() {
        // crystalformer.md §6.3: cutoff 4.9 Å with planes ≥ 2.455 Å apart → R = 2 (the minimum);
        // cutoff 6.93 Å: spacing 3 Å → R = 3, spacing 2 Å → R = 4
        assertThat(LatticeTranslations.crystalformerHalfWidths(Fixtures.cubic(2.46), 4.9)).containsExactly(2, 2, 2);
        assertThat(LatticeTranslations.crystalformerHalfWidths(Fixtures.cubic(3.0), 6.93)).containsExactly(3, 3, 3);
        assertThat(LatticeTranslations.crystalformerHalfWidths(Fixtures.cubic(2.0), 6.93)).containsExactly(4, 4, 4);
        assertThat(LatticeTranslations.crystalformerHalfWidths(Fixtures.cubic(10.0), 1.0, 0)).containsExactly(1, 1, 1);
        Lattice tetragonal = Lattice.fromMatrix(new double[][] {{3, 0, 0}, {0, 3, 0}, {0, 0, 2}});
        assertThat(LatticeTranslations.crystalformerHalfWidths(tetragonal, 6.93)).containsExactly(3, 3, 4);
    }

    @Test
    void unionForPairsCoversEveryPair() {
        int[] t = LatticeTranslations.unionForPairs(Fixtures.siliconPrimitive(), 3.0);
        // self pairs need n = 0; Si–Si bonds (2.35 Å) need the 4 tetrahedral cells in both directions
        assertThat(t.length / 3).isGreaterThanOrEqualTo(7);
        boolean hasZero = false;
        for (int q = 0; q < t.length; q += 3) {
            hasZero |= t[q] == 0 && t[q + 1] == 0 && t[q + 2] == 0;
        }
        assertThat(hasZero).isTrue();
    }
}
