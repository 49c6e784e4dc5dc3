package org.xtal4j.symmetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xtal4j.geometry.Fixtures;
import org.xtal4j.geometry.IntMat3;
import org.xtal4j.geometry.MinimumImage;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Structure;

class NiggliReductionTest {

    @Test
    void skewedSiliconReducesToTheFccPrimitiveCell() {
        Lattice skewed = Fixtures.siliconSkewed().lattice();
        assertThat(skewed.alpha()).isLessThan(40); // really skewed: 13.9°, 23.8°, 36.9° in some order
        ReducedLattice r = NiggliReduction.reduce(skewed);
        double expected = Fixtures.SI_A / Math.sqrt(2); // 3.8403 Å
        assertThat(r.lattice().lengths()).containsExactly(new double[] {expected, expected, expected}, within(1e-9));
        assertThat(r.lattice().angles()).containsExactly(new double[] {60, 60, 60}, within(1e-7));
        assertThat(r.lattice().volume()).isCloseTo(skewed.volume(), within(1e-9));
        assertTransformationProduces(skewed, r.transformation(), r.lattice());
        assertThat(r.lattice().isRightHanded()).isTrue();
    }

    @Test
    void hexagonalCellGivenWithSixtyDegreesGetsOneHundredTwenty() {
        Lattice l = Lattice.fromParameters(3, 3, 5, 90, 90, 60);
        Lattice r = NiggliReduction.reduce(l).lattice();
        assertThat(r.lengths()).containsExactly(new double[] {3, 3, 5}, within(1e-9));
        assertThat(r.angles()).containsExactly(new double[] {90, 90, 120}, within(1e-7));
    }

    @Test
    void bodyCentredCubicPrimitiveBasis() {
        // bcc primitive vectors a/2(-1,1,1) etc.: Niggli cell a = b = c = a√3/2, angles 109.47°
        double a = 2.87;
        Lattice l = Lattice.fromMatrix(new double[][] {{-a / 2, a / 2, a / 2}, {a / 2, -a / 2, a / 2}, {a / 2, a / 2, -a / 2}});
        Lattice r = NiggliReduction.reduce(l).lattice();
        double len = a * Math.sqrt(3) / 2;
        double ang = Math.toDegrees(Math.acos(-1.0 / 3));
        assertThat(r.lengths()).containsExactly(new double[] {len, len, len}, within(1e-9));
        assertThat(r.angles()).containsExactly(new double[] {ang, ang, ang}, within(1e-7));
    }

    @Test
    void randomCellsReduceToOneUniqueCellWhateverTheBasis() {
        Random rnd = new Random(42);
        for (int trial = 0; trial < 300; trial++) {
            Lattice base = Fixtures.randomLattice(rnd, 2, 12);
            Lattice skew = IntMat3.apply(Fixtures.randomUnimodular(rnd, 1 + rnd.nextInt(8)), base);
            ReducedLattice r1 = NiggliReduction.reduce(base);
            ReducedLattice r2 = NiggliReduction.reduce(skew);
            assertThat(NiggliReduction.isNiggliReduced(r1.lattice(), 1e-5)).as("trial %d: %s", trial, r1.lattice()).isTrue();
            assertThat(NiggliReduction.isNiggliReduced(r2.lattice(), 1e-5)).as("trial %d: %s", trial, r2.lattice()).isTrue();
            assertTransformationProduces(base, r1.transformation(), r1.lattice());
            assertTransformationProduces(skew, r2.transformation(), r2.lattice());
            assertThat(r2.lattice().volume()).isCloseTo(base.volume(), within(1e-8 * base.volume()));
            // the Niggli cell is unique: same metric whatever basis we started from
            double[][] g1 = r1.lattice().metricTensor();
            double[][] g2 = r2.lattice().metricTensor();
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    assertThat(g2[i][j]).as("trial %d G[%d][%d]", trial, i, j).isCloseTo(g1[i][j], within(1e-6));
                }
            }
        }
    }

    @Test
    void structureLevelReductionKeepsPositionsAndWrapsThem() {
        Structure skewed = Fixtures.siliconSkewed();
        Structure reduced = NiggliReduction.reduce(skewed);
        assertThat(reduced.size()).isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 3; k++) {
                assertThat(reduced.site(i).frac(k)).isBetween(0.0, 1.0);
            }
        }
        // the Si–Si bond is still 2.352 Å (a√3/4)
        double bond = MinimumImage.distance(reduced, 0, 1);
        assertThat(bond).isCloseTo(Fixtures.SI_A * Math.sqrt(3) / 4, within(1e-9));
        // an already reduced structure comes back unchanged
        assertThat(NiggliReduction.reduce(reduced)).isSameAs(reduced);
    }

    static void assertTransformationProduces(Lattice input, int[][] t, Lattice output) {
        assertThat(Math.abs(IntMat3.det(t))).isEqualTo(1);
        double[][] expected = IntMat3.apply(t, input.matrix());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(output.get(i, j)).isCloseTo(expected[i][j], within(1e-9));
            }
        }
    }
}
