package org.xtal4j.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Structure;

class MinimumImageTest {

    /** Reference: the shortest of all images within ±range of the raw (unreduced) basis. */
    static double bruteForce(Lattice l, double[] fi, double[] fj, int range) {
        double best = Double.POSITIVE_INFINITY;
        for (int a = -range; a <= range; a++) {
            for (int b = -range; b <= range; b++) {
                for (int c = -range; c <= range; c++) {
                    double[] r = l.toCartesian(new double[] {fj[0] - fi[0] + a, fj[1] - fi[1] + b, fj[2] - fi[2] + c});
                    best = Math.min(best, Math.sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]));
                }
            }
        }
        return best;
    }

    @Test
    void matchesAWideBruteForceOnObliqueCells() {
        Random rnd = new Random(1);
        for (int trial = 0; trial < 40; trial++) {
            Lattice base = Fixtures.randomLattice(rnd, 2, 8);
            Lattice skew = IntMat3.apply(Fixtures.randomUnimodular(rnd, 4), base);
            Structure s = Fixtures.randomStructure(rnd, skew, 6);
            double[][] d = MinimumImage.distanceMatrix(s);
            for (int i = 0; i < s.size(); i++) {
                assertThat(d[i][i]).isZero();
                for (int j = 0; j < s.size(); j++) {
                    double ref = bruteForce(skew, s.site(i).frac(), s.site(j).frac(), 7);
                    if (i != j) {
                        assertThat(d[i][j]).as("trial %d (%d,%d)", trial, i, j).isCloseTo(ref, within(1e-9));
                    }
                    assertThat(d[i][j]).isEqualTo(d[j][i]);
                }
            }
        }
    }

    @Test
    void naiveWrappingIsWrongOnTheSkewedSiliconCellButThisIsNot() {
        Structure s = SupercellBuilder.diagonal(Fixtures.siliconSkewed(), 2, 1, 1);
        double[][] d = MinimumImage.distanceMatrix(s);
        double worst = 0;
        for (int i = 0; i < s.size(); i++) {
            for (int j = 0; j < s.size(); j++) {
                double ref = bruteForce(s.lattice(), s.site(i).frac(), s.site(j).frac(), 8);
                assertThat(d[i][j]).isCloseTo(ref, within(1e-9));
                // the [-0.5, 0.5) wrapping of the fractional difference
                double[] df = new double[3];
                for (int k = 0; k < 3; k++) {
                    double x = s.site(j).frac(k) - s.site(i).frac(k);
                    df[k] = x - Math.floor(x + 0.5);
                }
                double[] r = s.lattice().toCartesian(df);
                worst = Math.max(worst, Math.sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]) - ref);
            }
        }
        assertThat(worst).isGreaterThan(1.0);
    }

    @Test
    void shortestVectorPointsToTheNearestImage() {
        Lattice l = Fixtures.cubic(5);
        MinimumImage mi = MinimumImage.of(l);
        double[] v = mi.shortestVector(new double[] {0.5, 0.5, 0.5}, new double[] {4.5, 0.5, 0.5});
        assertThat(v).containsExactly(new double[] {-1, 0, 0}, within(1e-12));
        // no images along a non-periodic axis
        MinimumImage open = MinimumImage.of(l, new boolean[] {false, true, true});
        assertThat(open.distance(new double[] {0.5, 0.5, 0.5}, new double[] {4.5, 0.5, 0.5})).isCloseTo(4, within(1e-12));
    }

    @Test
    void fiveHundredSitesTakeMilliseconds() {
        Random rnd = new Random(9);
        Structure s = SupercellBuilder.diagonal(Fixtures.randomStructure(rnd, Fixtures.randomLattice(rnd, 4, 6), 4), 5, 5, 5);
        assertThat(s.size()).isEqualTo(500);
        double[][] cart = s.cartesianCoordinates();
        MinimumImage mi = MinimumImage.of(s);
        long best = Long.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            double[][] d = mi.distanceMatrix(cart);
            best = Math.min(best, System.nanoTime() - t0);
            assertThat(d[0][499]).isPositive();
        }
        System.out.printf("minimum-image 500x500: %.2f ms%n", best / 1e6);
        assertThat(best / 1e6).isLessThan(500); // generous for a loaded CI machine
    }
}
