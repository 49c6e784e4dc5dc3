package org.xtal4j.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

class NeighbourListTest {

    @Test
    void skewedSiliconHasTwentyEightNeighboursPerAtomWithinFiveAngstrom() {
        // diamond: 4 at 2.35 Å, 12 at 3.84 Å, 12 at 4.50 Å; a ±1 image search finds only a few
        for (Structure s : List.of(Fixtures.siliconPrimitive(), Fixtures.siliconSkewed())) {
            NeighbourList nl = NeighbourList.of(s, 5.0);
            assertThat(nl.counts()).containsExactly(28, 28);
            assertThat(nl.size()).isEqualTo(56);
            int nearest = 0;
            for (int e = 0; e < nl.size(); e++) {
                if (Math.abs(nl.distance(e) - Fixtures.SI_A * Math.sqrt(3) / 4) < 1e-9) {
                    nearest++;
                }
            }
            assertThat(nearest).isEqualTo(8);
        }
    }

    @Test
    void cutoffIsStrictAndSelfImagesCount() {
        Structure s = Fixtures.of(Fixtures.cubic(5.0), "Po", new double[][] {{0, 0, 0}});
        assertThat(NeighbourList.of(s, 5.0).size()).isZero();            // exactly 5 Å is not < 5 Å
        NeighbourList nl = NeighbourList.of(s, 5.0 + 1e-9);
        assertThat(nl.size()).isEqualTo(6);                                // the six face images of itself
        for (int e = 0; e < 6; e++) {
            assertThat(nl.neighbour(e)).isZero();
            assertThat(nl.reverse(nl.reverse(e))).isEqualTo(e);
        }
    }

    @Test
    void bruteForceAndCellListAgreeExactlyOnRandomObliqueCells() {
        Random rnd = new Random(2024);
        for (int trial = 0; trial < 20; trial++) {
            Lattice base = Fixtures.randomLattice(rnd, 3, 9);
            Structure plain = Fixtures.randomStructure(rnd, base, 5 + rnd.nextInt(30));
            // the same crystal in a very oblique basis on even trials
            Structure s = trial % 2 == 0 ? BasisChange.apply(plain, Fixtures.randomUnimodular(rnd, 5), trial % 4 == 0) : plain;
            if (trial % 3 == 0) {
                s = unwrapRandomly(rnd, s);
            }
            double cutoff = 2 + 3 * rnd.nextDouble();
            NeighbourList a = NeighbourList.bruteForce(s, cutoff);
            NeighbourList b = NeighbourList.cellList(s, cutoff);
            assertSame(a, b);
            assertConsistent(s, a, cutoff);
            assertThat(a.counts()).isEqualTo(NeighbourList.of(plain, cutoff).counts());
            assertThat(a.size()).isEqualTo(referenceCount(plain, cutoff, 6));
        }
    }

    @Test
    void largeCellsAgreeToo() {
        Random rnd = new Random(77);
        Lattice l = IntMat3.apply(new int[][] {{1, 0, 0}, {2, 1, 0}, {1, 1, 1}}, Fixtures.randomLattice(rnd, 14, 18));
        Structure s = unwrapRandomly(rnd, Fixtures.randomStructure(rnd, l, 400));
        NeighbourList a = NeighbourList.bruteForce(s, 4.0);
        NeighbourList b = NeighbourList.cellList(s, 4.0);
        assertSame(a, b);
        assertConsistent(s, b, 4.0);
        assertThat(b.size()).isGreaterThan(1000);
        // a cell many cutoffs wide, so the binning has several cells per axis (and wraps them)
        Structure wide = unwrapRandomly(rnd, Fixtures.randomStructure(rnd, Fixtures.randomLattice(rnd, 26, 30), 600));
        NeighbourList c = NeighbourList.cellList(wide, 3.5);
        assertSame(NeighbourList.bruteForce(wide, 3.5), c);
        assertConsistent(wide, c, 3.5);
        Structure slab = wide.toBuilder().pbc(true, true, false).build();
        assertSame(NeighbourList.bruteForce(slab, 3.5), NeighbourList.cellList(slab, 3.5));
    }

    @Test
    void nonPeriodicAxesHaveNoImages() {
        Random rnd = new Random(5);
        Structure s = Fixtures.randomStructure(rnd, Fixtures.cubic(6), 40).toBuilder().pbc(true, false, true).build();
        NeighbourList a = NeighbourList.bruteForce(s, 3.5);
        NeighbourList b = NeighbourList.cellList(s, 3.5);
        assertSame(a, b);
        for (int e = 0; e < a.size(); e++) {
            assertThat(a.shift(e, 1)).isZero();
        }
        assertConsistent(s, a, 3.5);
        Structure molecule = Fixtures.randomStructure(rnd, Fixtures.cubic(6), 30).toBuilder().pbc(false, false, false).build();
        NeighbourList m = NeighbourList.cellList(molecule, 10);
        assertThat(m.size()).isEqualTo(30 * 29); // every pair, no images, in a 6 Å box
    }

    static Structure unwrapRandomly(Random rnd, Structure s) {
        List<Site> sites = new ArrayList<>();
        for (Site site : s.sites()) {
            double[] f = site.frac();
            for (int k = 0; k < 3; k++) {
                f[k] += rnd.nextInt(5) - 2;
            }
            sites.add(site.withFrac(f));
        }
        return s.toBuilder().sites(sites).build();
    }

    static void assertSame(NeighbourList a, NeighbourList b) {
        assertThat(b.size()).isEqualTo(a.size());
        assertThat(b.centres()).isEqualTo(a.centres());
        assertThat(b.neighbours()).isEqualTo(a.neighbours());
        assertThat(b.shifts()).isEqualTo(a.shifts());
        assertThat(b.distances()).isEqualTo(a.distances());
        assertThat(b.vectors()).isEqualTo(a.vectors());
        assertThat(b.reverseIndex()).isEqualTo(a.reverseIndex());
        assertThat(b.offsets()).isEqualTo(a.offsets());
    }

    /** Vectors, distances, cutoff and reverse edges agree with the definition. */
    static void assertConsistent(Structure s, NeighbourList nl, double cutoff) {
        Lattice l = s.lattice();
        for (int e = 0; e < nl.size(); e++) {
            int i = nl.centre(e);
            int j = nl.neighbour(e);
            double[] fj = s.site(j).frac();
            double[] fi = s.site(i).frac();
            double[] r = l.toCartesian(new double[] {fj[0] + nl.shift(e, 0) - fi[0], fj[1] + nl.shift(e, 1) - fi[1],
                fj[2] + nl.shift(e, 2) - fi[2]});
            for (int k = 0; k < 3; k++) {
                assertThat(nl.vector(e, k)).isCloseTo(r[k], within(1e-9));
            }
            assertThat(nl.distance(e)).isLessThan(cutoff);
            assertThat(i != j || nl.shift(e, 0) != 0 || nl.shift(e, 1) != 0 || nl.shift(e, 2) != 0).isTrue();
            int rev = nl.reverse(e);
            assertThat(nl.centre(rev)).isEqualTo(j);
            assertThat(nl.neighbour(rev)).isEqualTo(i);
            for (int k = 0; k < 3; k++) {
                assertThat(nl.shift(rev, k)).isEqualTo(-nl.shift(e, k));
            }
            assertThat(nl.distance(rev)).isEqualTo(nl.distance(e));
        }
        int sum = 0;
        for (int c : nl.counts()) {
            sum += c;
        }
        assertThat(sum).isEqualTo(nl.size());
    }

    /** Independent reference: all images within a fixed, generous range of the given basis. */
    static int referenceCount(Structure s, double cutoff, int range) {
        double[][] m = s.lattice().matrix();
        double[][] cart = s.cartesianCoordinates();
        int count = 0;
        for (int i = 0; i < s.size(); i++) {
            for (int j = 0; j < s.size(); j++) {
                for (int a = -range; a <= range; a++) {
                    for (int b = -range; b <= range; b++) {
                        for (int c = -range; c <= range; c++) {
                            if (i == j && a == 0 && b == 0 && c == 0) {
                                continue;
                            }
                            double x = cart[j][0] - cart[i][0] + a * m[0][0] + b * m[1][0] + c * m[2][0];
                            double y = cart[j][1] - cart[i][1] + a * m[0][1] + b * m[1][1] + c * m[2][1];
                            double z = cart[j][2] - cart[i][2] + a * m[0][2] + b * m[1][2] + c * m[2][2];
                            if (x * x + y * y + z * z < cutoff * cutoff) {
                                count++;
                            }
                        }
                    }
                }
            }
        }
        return count;
    }
}
