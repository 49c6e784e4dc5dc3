package org.xtal4j.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Structure;

class SupercellBuilderTest {

    @Test
    void latticePointsAreDistinctRepresentativesAndExactlyDetM() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 100; trial++) {
            int[][] m = new int[3][3];
            do {
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        m[i][j] = rnd.nextInt(7) - 3;
                    }
                }
            } while (IntMat3.det(m) == 0);
            int[][] pts = SupercellBuilder.latticePoints(m);
            assertThat((long) pts.length).isEqualTo(Math.abs(IntMat3.det(m)));
            // distinct modulo the supercell lattice: t·M⁻¹ mod 1 all different
            double[][] inv = org.xtal4j.structure.Mat3.inverse(org.xtal4j.structure.Mat3.toDouble(m));
            Set<String> seen = new HashSet<>();
            for (int[] t : pts) {
                double[] f = org.xtal4j.structure.Mat3.mulVec(new double[] {t[0], t[1], t[2]}, inv);
                String key = String.format("%.6f %.6f %.6f", mod1(f[0]), mod1(f[1]), mod1(f[2]));
                assertThat(seen.add(key)).as("duplicate point %s", key).isTrue();
            }
        }
    }

    @Test
    void diagonalPointsAreEnumeratedWithTheFirstAxisOutermost() {
        int[][] pts = SupercellBuilder.latticePoints(new int[][] {{2, 0, 0}, {0, 1, 0}, {0, 0, 2}});
        assertThat(pts).isDeepEqualTo(new int[][] {{0, 0, 0}, {0, 0, 1}, {1, 0, 0}, {1, 0, 1}});
    }

    @Test
    void supercellInvariants() {
        Random rnd = new Random(5);
        Lattice l = Fixtures.randomLattice(rnd, 3, 6);
        Structure s = Fixtures.randomStructure(rnd, l, 4).toBuilder()
                .siteProperty("forces", new double[][] {{1, 0, 0}, {2, 0, 0}, {3, 0, 0}, {4, 0, 0}})
                .property("energy", -3.5).build();
        int[][] m = {{2, 1, 0}, {0, 1, 1}, {1, 0, 2}};
        int k = (int) Math.abs(IntMat3.det(m));
        Structure sc = SupercellBuilder.build(s, m);
        assertThat(sc.size()).isEqualTo(4 * k);
        assertThat(sc.volume()).isCloseTo(k * s.volume(), within(1e-9));
        assertThat(sc.properties()).containsEntry("energy", -3.5);
        int[][] pts = SupercellBuilder.latticePoints(m);
        for (int site = 0; site < sc.size(); site++) {
            int orig = site / k;
            assertThat(sc.site(site).speciesString()).isEqualTo(s.site(orig).speciesString());
            assertThat(sc.siteProperties().get("forces")[site][0]).isEqualTo(orig + 1.0);
            // Cartesian position = original + t·L
            int[] t = pts[site % k];
            double[] expected = l.toCartesian(new double[] {s.site(orig).frac(0) + t[0], s.site(orig).frac(1) + t[1],
                s.site(orig).frac(2) + t[2]});
            assertThat(sc.cartesian(site)).containsExactly(expected, within(1e-9));
        }
        // every supercell site has the same environment as its original site
        NeighbourList a = NeighbourList.of(s, 4.5);
        NeighbourList b = NeighbourList.of(sc, 4.5);
        for (int site = 0; site < sc.size(); site++) {
            assertThat(b.count(site)).isEqualTo(a.count(site / k));
        }
        assertThat(b.size()).isEqualTo(k * a.size());
    }

    @Test
    void diagonalConvenienceAndErrors() {
        Structure s = Fixtures.siliconPrimitive();
        Structure sc = SupercellBuilder.diagonal(s, 2, 3, 1);
        assertThat(sc.size()).isEqualTo(12);
        assertThat(sc.lattice().a()).isCloseTo(2 * s.lattice().a(), within(1e-12));
        assertThatThrownBy(() -> SupercellBuilder.build(s, new int[][] {{1, 0, 0}, {1, 0, 0}, {0, 0, 1}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("singular");
    }

    private static double mod1(double x) {
        double r = x - Math.floor(x);
        return r > 1 - 1e-9 ? 0 : r;
    }
}
