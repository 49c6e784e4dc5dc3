package org.xtal4j.symmetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xtal4j.geometry.Fixtures;
import org.xtal4j.geometry.IntMat3;
import org.xtal4j.geometry.MinimumImage;
import org.xtal4j.geometry.SupercellBuilder;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

class PrimitiveCellFinderTest {

    @Test
    void fccConventionalGivesOneAtomRhombohedralCell() {
        double a = 3.615;
        Structure p = PrimitiveCellFinder.primitive(Fixtures.fccConventional("Cu", a));
        assertThat(p.size()).isEqualTo(1);
        assertThat(p.volume()).isCloseTo(a * a * a / 4, within(1e-9));
        double len = a / Math.sqrt(2);
        assertThat(p.lattice().lengths()).containsExactly(new double[] {len, len, len}, within(1e-9));
        assertThat(p.lattice().angles()).containsExactly(new double[] {60, 60, 60}, within(1e-7));
    }

    @Test
    void bccConventionalGivesOneAtom() {
        double a = 2.87;
        Structure p = PrimitiveCellFinder.primitive(Fixtures.bccConventional("Fe", a));
        assertThat(p.size()).isEqualTo(1);
        assertThat(p.volume()).isCloseTo(a * a * a / 2, within(1e-9));
    }

    @Test
    void rocksaltAndDiamondGiveTwoAtoms() {
        double a = 5.64;
        Structure nacl = PrimitiveCellFinder.primitive(Fixtures.rocksaltConventional(a));
        assertThat(nacl.size()).isEqualTo(2);
        assertThat(nacl.volume()).isCloseTo(a * a * a / 4, within(1e-9));
        assertThat(nacl.composition().amount(Element.of("Na"))).isEqualTo(1.0);
        assertThat(nacl.composition().amount(Element.of("Cl"))).isEqualTo(1.0);
        assertThat(MinimumImage.distance(nacl, 0, 1)).isCloseTo(a / 2, within(1e-9));

        Structure si = PrimitiveCellFinder.primitive(Fixtures.diamondConventional("Si", Fixtures.SI_A));
        assertThat(si.size()).isEqualTo(2);
        assertThat(MinimumImage.distance(si, 0, 1)).isCloseTo(Fixtures.SI_A * Math.sqrt(3) / 4, within(1e-9));
        for (Site s : si.sites()) {
            for (int k = 0; k < 3; k++) {
                assertThat(s.frac(k)).isBetween(0.0, 1.0);
            }
        }
    }

    @Test
    void largerSupercellsFoldBackQuickly() {
        double a = 5.64;
        Structure sc = SupercellBuilder.diagonal(Fixtures.rocksaltConventional(a), 3, 3, 3); // 216 sites
        long t0 = System.nanoTime();
        Structure p = PrimitiveCellFinder.primitive(sc);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(p.size()).isEqualTo(2);
        assertThat(p.volume()).isCloseTo(a * a * a / 4, within(1e-8));
        assertThat(ms).isLessThan(20_000); // about 50 ms on an idle machine
    }

    @Test
    void aPrimitiveCellComesBackUnchanged() {
        Structure cscl = Fixtures.of(Fixtures.cubic(4.1), new String[] {"Cs", "Cl"}, new double[][] {{0, 0, 0}, {0.5, 0.5, 0.5}});
        assertThat(PrimitiveCellFinder.primitive(cscl)).isSameAs(cscl);
    }

    @Test
    void toleranceDecidesWhetherADistortedCellIsPrimitive() {
        double a = 4.0;
        double[][] f = {{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0.02}}; // last atom 0.08 Å off
        Structure s = Fixtures.of(Fixtures.cubic(a), "Al", f);
        assertThat(PrimitiveCellFinder.primitive(s, 0.25).size()).isEqualTo(1);
        assertThat(PrimitiveCellFinder.primitive(s, 0.01).size()).isEqualTo(4);
        // the merged site is the periodic average of the four images: 0.02·(1/4) in the c direction
        Structure p = PrimitiveCellFinder.primitive(s, 0.5);
        assertThat(p.size()).isEqualTo(1);
    }

    @Test
    void disorderedSitesAreGroupedBySpeciesAndOccupancy() {
        Lattice l = Fixtures.cubic(4.2);
        List<Site> sites = new ArrayList<>();
        double[][] fcc = {{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}};
        for (double[] p : fcc) {
            sites.add(new Site(Map.of(Element.of("Fe"), 0.5, Element.of("Mg"), 0.5), p, "M"));
            sites.add(Site.of(Element.of("O"), new double[] {(p[0] + 0.5) % 1, p[1], p[2]}));
        }
        Structure p = PrimitiveCellFinder.primitive(Structure.of(l, sites));
        assertThat(p.size()).isEqualTo(2);
        assertThat(p.sites()).anySatisfy(s -> assertThat(s.speciesString()).isEqualTo("Fe:0.5 Mg:0.5"));

        // a different occupancy on one site breaks the translation symmetry
        sites.set(0, new Site(Map.of(Element.of("Fe"), 0.4, Element.of("Mg"), 0.6), fcc[0], "M"));
        assertThat(PrimitiveCellFinder.primitive(Structure.of(l, sites)).size()).isGreaterThan(2);
    }

    @Test
    void randomTriclinicSupercellsFoldBackToTheOriginalCell() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            Lattice l = Fixtures.randomLattice(rnd, 3, 6);
            Structure base = Fixtures.randomStructure(rnd, l, 2 + rnd.nextInt(3));
            int[][] m = IntMat3.mul(new int[][] {{1 + rnd.nextInt(2), 0, 0}, {0, 1 + rnd.nextInt(2), 0}, {0, 0, 2}},
                    Fixtures.randomUnimodular(rnd, 3));
            Structure sc = SupercellBuilder.build(base, m);
            Structure p = PrimitiveCellFinder.primitive(sc, 0.1);
            assertThat(p.size()).as("trial %d", trial).isEqualTo(base.size());
            assertThat(p.volume()).isCloseTo(base.volume(), within(1e-6));
            assertThat(p.composition().amount(Element.of("O")) * base.size()).isEqualTo(base.composition().amount(Element.of("O")) * p.size());
            assertThat(NiggliReduction.isNiggliReduced(p.lattice(), 1e-5)).isTrue();
        }
    }

    @Test
    void sitePropertiesFollowTheMergedSites() {
        Structure s = Fixtures.bccConventional("Fe", 2.87).toBuilder()
                .siteProperty("magmom", new double[][] {{2.2}, {2.2}}).build();
        Structure p = PrimitiveCellFinder.primitive(s);
        assertThat(p.siteProperties().get("magmom")).hasDimensions(1, 1);
        assertThat(p.siteProperties().get("magmom")[0][0]).isEqualTo(2.2);
    }
}
