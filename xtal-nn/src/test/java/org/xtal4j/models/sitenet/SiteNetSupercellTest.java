package org.xtal4j.models.sitenet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xtal4j.geometry.IntMat3;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/** Invariants of Site-Net's greedy approximately cubic supercell (spec sitenet.md §1.3) on textbook cells. */
class SiteNetSupercellTest {

    static Structure of(double[][] lattice, String[] species, double[][] frac) {
        Structure.Builder b = Structure.builder().lattice(Lattice.fromMatrix(lattice));
        for (int i = 0; i < species.length; i++) {
            b.addSite(Site.of(Element.of(species[i]), frac[i]));
        }
        return b.build();
    }

    static double[][] cubic(double a) {
        return new double[][] {{a, 0, 0}, {0, a, 0}, {0, 0, a}};
    }

    static Structure fccCopperPrimitive() {
        double h = 3.615 / 2;
        return of(new double[][] {{0, h, h}, {h, 0, h}, {h, h, 0}}, new String[] {"Cu"}, new double[][] {{0, 0, 0}});
    }

    static Structure rocksaltConventional() {
        String[] sp = {"Na", "Na", "Na", "Na", "Cl", "Cl", "Cl", "Cl"};
        double[][] f = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5},
            {0.5, 0.5, 0.5}, {0, 0, 0.5}, {0, 0.5, 0}, {0.5, 0, 0}};
        return of(cubic(5.6402), sp, f);
    }

    static Structure hexagonalMnTe() {
        double a = 4.1429;
        double c = 6.7031;
        return of(new double[][] {{a, 0, 0}, {-a / 2, a * Math.sqrt(3) / 2, 0}, {0, 0, c}},
                new String[] {"Mn", "Mn", "Te", "Te"},
                new double[][] {{0, 0, 0}, {0, 0, 0.5}, {1.0 / 3, 2.0 / 3, 0.25}, {2.0 / 3, 1.0 / 3, 0.75}});
    }

    static Structure triclinic() {
        return of(new double[][] {{4.1, 0.2, -0.3}, {1.3, 5.2, 0.4}, {-0.7, 1.1, 6.3}},
                new String[] {"Si", "O", "O"},
                new double[][] {{0.1, 0.2, 0.3}, {0.45, 0.1, 0.8}, {0.7, 0.65, 0.2}});
    }

    static List<Structure> cases() {
        return List.of(fccCopperPrimitive(), rocksaltConventional(), hexagonalMnTe(), triclinic(),
                of(cubic(3.0), new String[] {"Po"}, new double[][] {{0, 0, 0}}));
    }

    @Test
    void simpleCubicGrowsTheFirstTiedAxisFirst() {
        Structure po = of(cubic(3.0), new String[] {"Po"}, new double[][] {{0, 0, 0}});
        // 27 atoms: (1,1,1) → (2,1,1) → (2,2,1) → ... → (3,3,3), a perfect cube
        assertThat(SiteNetSupercell.of(po, 27).matrix()).isDeepEqualTo(new int[][] {{3, 0, 0}, {0, 3, 0}, {0, 0, 3}});
        // 500 atoms: 7³ = 343, 8·7·7 = 392, 8·8·7 = 448 accepted; 8³ = 512 rejected, stop
        assertThat(SiteNetSupercell.of(po, 500).multiples()).containsExactly(8, 8, 7);
        // 30 atoms: after (3,3,3) the proposal (4,3,3) = 36 is rejected, nothing else is tried
        assertThat(SiteNetSupercell.of(po, 30).multiples()).containsExactly(3, 3, 3);
    }

    @Test
    void fccPrimitiveShearIsTheHandDerivedOne() {
        // all three vectors of length l at 60°: s12 = −1/2, s01 = −1/3, s02 = s01·s12 − 1/2 = −1/3
        SiteNetSupercell sc = SiteNetSupercell.fromPrimitive(fccCopperPrimitive(), 4);
        double[][] s = sc.shear();
        assertThat(s[1][2]).isCloseTo(-0.5, within(1e-15));
        assertThat(s[0][1]).isCloseTo(-1.0 / 3, within(1e-15));
        assertThat(s[0][2]).isCloseTo(-1.0 / 3, within(1e-15));
        // sheared lengths l·(√(2/3), √(3/4), 1): m = (2, 2, 1) for 4 atoms, M = rint([[2,−2/3,−2/3],[0,2,−1],[0,0,1]])
        double l = 3.615 / Math.sqrt(2);
        assertThat(sc.shearedAbc()).containsExactly(new double[] {l * Math.sqrt(2.0 / 3), l * Math.sqrt(0.75), l},
                within(1e-12));
        assertThat(sc.matrix()).isDeepEqualTo(new int[][] {{2, -1, -1}, {0, 2, -1}, {0, 0, 1}});
    }

    @Test
    void fccPrimitiveGivesANearlyCubicSupercellAt500Atoms() {
        SiteNetSupercell sc = SiteNetSupercell.fromPrimitive(fccCopperPrimitive(), 500);
        Lattice l = sc.supercell().lattice();
        // the primitive cell has 60° angles; the supercell is close to a cube
        for (double angle : l.angles()) {
            assertThat(angle).isCloseTo(90.0, within(6.0));
        }
        double[] abc = l.lengths();
        double max = Math.max(abc[0], Math.max(abc[1], abc[2]));
        double min = Math.min(abc[0], Math.min(abc[1], abc[2]));
        assertThat(max / min).isLessThan(1.15);
        assertThat(sc.size()).isLessThanOrEqualTo(500).isGreaterThan(400);
    }

    @Test
    void supercellInvariantsHoldForEveryCaseAndLimit() {
        for (Structure s : cases()) {
            for (int maxAtoms : new int[] {1, 8, 50, 100, 500}) {
                SiteNetSupercell sc = SiteNetSupercell.builder().maxAtoms(maxAtoms).build(s);
                String tag = s.composition().formula() + " N_max " + maxAtoms;
                Structure p1 = sc.primitive();
                int n = p1.size();
                int[][] m = sc.matrix();
                int[] mult = sc.multiples();
                int k = sc.imageCount();
                // |det M|·n = N ≤ maxAtoms (unless the P1 cell alone is larger), M upper triangular with diagonal m
                assertThat(IntMat3.det(m)).as(tag).isEqualTo((long) k).isEqualTo((long) mult[0] * mult[1] * mult[2]);
                assertThat(sc.size()).as(tag).isEqualTo(n * k);
                assertThat(sc.isOversize()).as(tag).isEqualTo(n > maxAtoms);
                if (n <= maxAtoms) {
                    assertThat(sc.size()).as(tag).isLessThanOrEqualTo(maxAtoms);
                } else {
                    assertThat(k).as(tag).isEqualTo(1);
                    assertThat(sc.oversizeMessage()).as(tag).isPresent();
                }
                for (int r = 0; r < 3; r++) {
                    assertThat(m[r][r]).isEqualTo(mult[r]);
                    for (int c = 0; c < r; c++) {
                        assertThat(m[r][c]).isZero();
                    }
                }
                double[][] lat = p1.lattice().matrix();
                double[][] sl = mul(sc.shear(), lat);
                double[] abc = sc.shearedAbc();
                // S·L has orthogonal rows and the same volume
                for (int r = 0; r < 3; r++) {
                    for (int c = r + 1; c < 3; c++) {
                        assertThat(dot(sl[r], sl[c]) / (abc[r] * abc[c])).as(tag).isCloseTo(0, within(1e-12));
                    }
                }
                assertThat(abc[0] * abc[1] * abc[2]).isCloseTo(p1.lattice().volume(), within(1e-9 * p1.lattice().volume()));
                // greedy balance: every axis grown from m−1 was the shortest then, and the others only grew since
                double shortest = Math.min(mult[0] * abc[0], Math.min(mult[1] * abc[1], mult[2] * abc[2]));
                for (int q = 0; q < 3; q++) {
                    assertThat((mult[q] - 1) * abc[q]).as(tag).isLessThanOrEqualTo(shortest + 1e-9);
                }
                // maximal: growing the currently shortest axis would exceed the limit
                int axis = 0;
                for (int q = 1; q < 3; q++) {
                    if (mult[q] * abc[q] < mult[axis] * abc[axis]) {
                        axis = q;
                    }
                }
                assertThat((long) k / mult[axis] * (mult[axis] + 1) * n).as(tag).isGreaterThan(maxAtoms);
                // rounding: each supercell vector is within ½·Σ|later primitive vectors| of m_r·(S·L)_r
                double[][] superLat = sc.supercell().lattice().matrix();
                for (int r = 0; r < 3; r++) {
                    double bound = 0;
                    for (int c = r + 1; c < 3; c++) {
                        bound += 0.5 * Math.sqrt(dot(lat[c], lat[c]));
                    }
                    double[] dev = new double[3];
                    for (int q = 0; q < 3; q++) {
                        dev[q] = superLat[r][q] - mult[r] * sl[r][q];
                    }
                    assertThat(Math.sqrt(dot(dev, dev))).as(tag).isLessThanOrEqualTo(bound + 1e-9);
                }
                // prim-major site order: supercell site s = primitive site s/k shifted by image s mod k
                int[][] images = sc.images();
                Structure sup = sc.supercell();
                for (int s2 = 0; s2 < sup.size(); s2++) {
                    int p = s2 / k;
                    assertThat(sup.site(s2).element()).isEqualTo(p1.site(p).element());
                    double[] f = p1.site(p).frac();
                    double[] want = p1.lattice().toCartesian(new double[] {
                        f[0] + images[s2 % k][0], f[1] + images[s2 % k][1], f[2] + images[s2 % k][2]});
                    double[] got = sup.cartesian(s2);
                    // equal modulo a supercell translation
                    double[] diff = sup.lattice().toFractional(new double[] {
                        got[0] - want[0], got[1] - want[1], got[2] - want[2]});
                    for (int q = 0; q < 3; q++) {
                        assertThat(Math.abs(diff[q] - Math.rint(diff[q]))).as(tag).isLessThan(1e-9);
                    }
                    for (int q = 0; q < 3; q++) {
                        assertThat(sup.site(s2).frac(q)).isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
                    }
                }
            }
        }
    }

    @Test
    void aPrimitiveCellLargerThanTheLimitIsOnlyRebased() {
        // 3 sites in a strongly sheared cell, limit 2
        Structure s = of(new double[][] {{4, 0, 0}, {3.5, 4, 0}, {3, 2.5, 5}}, new String[] {"Si", "O", "O"},
                new double[][] {{0, 0, 0}, {0.3, 0.3, 0.3}, {0.6, 0.2, 0.7}});
        SiteNetSupercell sc = SiteNetSupercell.builder().maxAtoms(2).findPrimitive(false).build(s);
        assertThat(sc.multiples()).containsExactly(1, 1, 1);
        assertThat(sc.imageCount()).isEqualTo(1);
        assertThat(IntMat3.det(sc.matrix())).isEqualTo(1);
        assertThat(IntMat3.isIdentity(sc.matrix())).isFalse(); // rint(S) is a real shear here
        assertThat(sc.supercell().lattice().volume()).isCloseTo(s.lattice().volume(), within(1e-9));
        assertThat(sc.oversizeMessage()).hasValueSatisfying(m -> assertThat(m).contains("3 sites").contains("limit of 2"));
    }

    @Test
    void rocksaltConventionalCellIsReducedToTwoSites() {
        SiteNetSupercell sc = SiteNetSupercell.of(rocksaltConventional(), 100);
        assertThat(sc.primitiveSize()).isEqualTo(2);
        assertThat(sc.primitive().lattice().volume()).isCloseTo(Math.pow(5.6402, 3) / 4, within(1e-9));
        assertThat(sc.size()).isLessThanOrEqualTo(100);
    }

    /** Length of the shortest non-zero translation of a lattice (LLL basis, combinations in [-2, 2]³). */
    static double shortestVector(Lattice lattice) {
        double[][] m = org.xtal4j.symmetry.LllReduction.reduce(lattice).lattice().matrix();
        double best = Double.POSITIVE_INFINITY;
        for (int u = -2; u <= 2; u++) {
            for (int v = -2; v <= 2; v++) {
                for (int w = -2; w <= 2; w++) {
                    if (u == 0 && v == 0 && w == 0) {
                        continue;
                    }
                    double sq = 0;
                    for (int q = 0; q < 3; q++) {
                        double t = u * m[0][q] + v * m[1][q] + w * m[2][q];
                        sq += t * t;
                    }
                    best = Math.min(best, Math.sqrt(sq));
                }
            }
        }
        return best;
    }

    static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    static double[][] mul(double[][] a, double[][] b) {
        double[][] o = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                o[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
            }
        }
        return o;
    }
}
