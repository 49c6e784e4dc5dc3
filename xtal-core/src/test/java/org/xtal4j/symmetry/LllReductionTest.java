package org.xtal4j.symmetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xtal4j.geometry.Fixtures;
import org.xtal4j.geometry.IntMat3;
import org.xtal4j.structure.Lattice;

class LllReductionTest {

    @Test
    void skewedSiliconGivesThreeShortestVectors() {
        Lattice skewed = Fixtures.siliconSkewed().lattice();
        ReducedLattice r = LllReduction.reduce(skewed);
        double expected = Fixtures.SI_A / Math.sqrt(2);
        assertThat(r.lattice().lengths()).containsExactly(new double[] {expected, expected, expected}, within(1e-9));
        NiggliReductionTest.assertTransformationProduces(skewed, r.transformation(), r.lattice());
    }

    @Test
    void randomBasesSatisfyTheLllConditions() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            Lattice base = Fixtures.randomLattice(rnd, 2, 10);
            Lattice skew = IntMat3.apply(Fixtures.randomUnimodular(rnd, 2 + rnd.nextInt(10)), base);
            ReducedLattice r = LllReduction.reduce(skew);
            NiggliReductionTest.assertTransformationProduces(skew, r.transformation(), r.lattice());
            double[][] b = r.lattice().matrix();
            // Gram–Schmidt of the result: size-reduced (|mu| <= 1/2) and Lovász with delta 0.75
            double[][] bs = new double[3][];
            double[] bb = new double[3];
            double[][] mu = new double[3][3];
            for (int i = 0; i < 3; i++) {
                bs[i] = b[i].clone();
                for (int j = 0; j < i; j++) {
                    mu[i][j] = dot(b[i], bs[j]) / bb[j];
                    for (int c = 0; c < 3; c++) {
                        bs[i][c] -= mu[i][j] * bs[j][c];
                    }
                    assertThat(Math.abs(mu[i][j])).as("trial %d mu[%d][%d]", trial, i, j).isLessThanOrEqualTo(0.5 + 1e-9);
                }
                bb[i] = dot(bs[i], bs[i]);
            }
            for (int k = 1; k < 3; k++) {
                assertThat(bb[k]).isGreaterThanOrEqualTo((0.75 - mu[k][k - 1] * mu[k][k - 1]) * bb[k - 1] - 1e-9);
            }
            assertThat(r.lattice().volume()).isCloseTo(base.volume(), within(1e-8 * base.volume()));
        }
    }

    @Test
    void rejectsABadDelta() {
        assertThatThrownBy(() -> LllReduction.reduce(Fixtures.cubic(3), 0.2)).isInstanceOf(IllegalArgumentException.class);
    }

    private static double dot(double[] u, double[] v) {
        return u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
    }
}
