package org.xtal4j.models.sitenet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xtal4j.geometry.IntMat3;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Mat3;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/** Site-Net's raw features: hand-computed values, invariances and the NaN filter. */
class SiteNetFeaturesTest {

    private static final double ANG_TO_BOHR = 1.00001495e-10 / 5.29177210903e-11;

    @Test
    void caesiumChlorideByHand() {
        // CsCl, a = 4.12: P1 = 2 sites, 1 image at N_max 2
        Structure s = SiteNetSupercellTest.of(SiteNetSupercellTest.cubic(4.12), new String[] {"Cs", "Cl"},
                new double[][] {{0, 0, 0}, {0.5, 0.5, 0.5}});
        SiteNetFeatures x = SiteNetFeatures.of(SiteNetSupercell.of(s, 2));
        assertThat(x.size()).isEqualTo(2);
        assertThat(x.atomicNumbers()).containsExactlyInAnyOrder(55, 17);
        int cs = x.atomicNumbers()[0] == 55 ? 0 : 1;
        int cl = 1 - cs;
        double d = 4.12 * Math.sqrt(3) / 2;
        assertThat(x.distance(cs, cs)).isZero();
        assertThat(x.distance(cs, cl)).isCloseTo(d, within(1e-12));
        assertThat(x.logCoulomb(cs, cl)).isCloseTo(Math.log(55.0 * 17 / (d * ANG_TO_BOHR) + 1e-8), within(1e-12));
        assertThat(x.logCoulomb(cs, cs)).isCloseTo(Math.log(0.5 * Math.pow(55, 2.4) + 1e-8), within(1e-12));
        // Magpie (matminer 0.7.4): Cs Number 55, AtomicWeight 132.9054519, Row 6, Column 1, Pauling 0.79
        assertThat(x.magpie(cs, 0)).isEqualTo(55.0);
        assertThat(x.magpie(cs, 1)).isCloseTo(132.9054519, within(1e-9));
        assertThat(x.magpie(cs, 2)).isEqualTo(6.0);
        assertThat(x.magpie(cs, 3)).isEqualTo(1.0);
        assertThat(x.magpie(cs, 5)).isCloseTo(0.79, within(1e-12));
        assertThat(x.oxidationStates()).containsExactly(0, 0);
    }

    @Test
    void uraniumSelfTermIsClippedAtTen() {
        // 0.5·92^2.4 ≈ 25,826 > e^10 ≈ 22,026
        Structure s = SiteNetSupercellTest.of(SiteNetSupercellTest.cubic(3.5), new String[] {"U"}, new double[][] {{0, 0, 0}});
        SiteNetFeatures x = SiteNetFeatures.of(SiteNetSupercell.of(s, 8));
        assertThat(x.logCoulomb(0, 0)).isEqualTo(10.0);
        for (int j = 1; j < x.size(); j++) {
            assertThat(x.logCoulomb(0, j)).isLessThan(10.0);
            assertThat(x.distance(0, j)).isGreaterThan(3.49);
        }
    }

    @Test
    void nanFilterNamesTheElementsAndProperties() {
        Structure kr = SiteNetSupercellTest.of(SiteNetSupercellTest.cubic(5.7), new String[] {"Kr", "He", "Fe"},
                new double[][] {{0, 0, 0}, {0.5, 0.5, 0.5}, {0.5, 0, 0}});
        assertThat(SiteNetFeatures.rejection(kr)).hasValueSatisfying(m -> assertThat(m)
                .contains("Kr (Z=36) has no Magpie AtomicRadius")
                .contains("He (Z=2) has no Magpie Electronegativity, AtomicRadius")
                .doesNotContain("Fe ("));
        SiteNetSupercell sc = SiteNetSupercell.of(kr, 50);
        assertThatThrownBy(() -> SiteNetFeatures.of(sc)).isInstanceOf(SiteNetInputException.class)
                .hasMessageContaining("Kr (Z=36)");
        // the spec's list: He Ne Ar Kr Xe At Rn Fr and Z ≥ 96 are out; their neighbours are in
        for (String bad : List.of("He", "Ne", "Ar", "Kr", "Xe", "At", "Rn", "Fr", "Cm", "Es", "Lr")) {
            assertThat(SiteNetFeatures.rejection(single(bad))).as(bad).isPresent();
        }
        for (String good : List.of("H", "F", "Cl", "Br", "I", "Po", "Ra", "Ac", "U", "Pu", "Am")) {
            assertThat(SiteNetFeatures.rejection(single(good))).as(good).isEmpty();
        }
        Structure disordered = Structure.builder().lattice(Lattice.fromMatrix(SiteNetSupercellTest.cubic(3)))
                .addSite(new Site(Map.of(Element.of("Fe"), 0.5, Element.of("Co"), 0.5), new double[] {0, 0, 0}, "M"))
                .build();
        assertThat(SiteNetFeatures.rejection(disordered)).hasValueSatisfying(m -> assertThat(m).contains("partially occupied"));
    }

    private static Structure single(String symbol) {
        return SiteNetSupercellTest.of(SiteNetSupercellTest.cubic(4), new String[] {symbol}, new double[][] {{0, 0, 0}});
    }

    @Test
    void featuresAreInvariantUnderTranslationAndRotation() {
        Structure s = SiteNetSupercellTest.triclinic();
        SiteNetFeatures ref = SiteNetFeatures.of(SiteNetSupercell.of(s, 60));
        // translation of every site: same P1 cell and M; a site that wraps across the cell boundary
        // has its images in another order, so compare each (P1 row, P1 column site) block as a multiset
        Structure shifted = transform(s, IntMat3.identity(), new double[] {0.37, -0.21, 0.55}, identity());
        // rotation (and a reflection) of the Cartesian frame
        double c = Math.cos(0.7);
        double sn = Math.sin(0.7);
        Structure rotated = transform(s, IntMat3.identity(), new double[3], new double[][] {{c, sn, 0}, {-sn, c, 0}, {0, 0, -1}});
        for (Structure t : List.of(shifted, rotated)) {
            SiteNetSupercell sc = SiteNetSupercell.of(t, 60);
            SiteNetFeatures x = SiteNetFeatures.of(sc);
            assertThat(x.size()).isEqualTo(ref.size());
            assertThat(x.magpie()).containsExactly(ref.magpie());
            assertThat(sc.matrix()).isDeepEqualTo(SiteNetSupercell.of(s, 60).matrix());
            int k = x.imageCount();
            for (int i = 0; i < x.primitiveSize(); i++) {
                for (int q = 0; q < x.primitiveSize(); q++) {
                    for (int ch = 0; ch < 2; ch++) {
                        double[] a = Arrays.copyOfRange(row(x, i, ch, false), q * k, (q + 1) * k);
                        double[] b = Arrays.copyOfRange(row(ref, i, ch, false), q * k, (q + 1) * k);
                        Arrays.sort(a);
                        Arrays.sort(b);
                        assertThat(a).containsExactly(b, within(1e-10));
                    }
                }
            }
        }
    }

    @Test
    void shortRangeFeaturesAreInvariantUnderAUnimodularChangeOfTheCell() {
        // a unimodular basis change changes S, m and M (the greedy supercell depends on the basis),
        // but pairs closer than half the shortest supercell translation are the same in any supercell
        Structure s = SiteNetSupercellTest.triclinic();
        int[][] u = {{1, 1, 0}, {0, 1, 0}, {1, 0, 1}};
        Structure t = transform(s, u, new double[] {0.1, 0.2, 0.3}, identity());
        SiteNetSupercell a = SiteNetSupercell.builder().maxAtoms(100).findPrimitive(false).build(s);
        SiteNetSupercell b = SiteNetSupercell.builder().maxAtoms(100).findPrimitive(false).build(t);
        assertThat(b.primitive().lattice().volume()).isCloseTo(a.primitive().lattice().volume(), within(1e-9));
        double radius = 0.5 * Math.min(SiteNetSupercellTest.shortestVector(a.supercell().lattice()),
                SiteNetSupercellTest.shortestVector(b.supercell().lattice())) - 1e-6;
        assertThat(radius).isGreaterThan(3.0);
        List<double[]> pa = shortRange(SiteNetFeatures.of(a), radius);
        List<double[]> pb = shortRange(SiteNetFeatures.of(b), radius);
        assertThat(pa.size()).isEqualTo(pb.size()).isGreaterThan(20);
        for (int i = 0; i < pa.size(); i++) {
            assertThat(pa.get(i)).containsExactly(pb.get(i), within(1e-10));
        }
        // site features: same multiset of rows
        assertThat(sortedRows(SiteNetFeatures.of(b).magpie())).isEqualTo(sortedRows(SiteNetFeatures.of(a).magpie()));
    }

    @Test
    void aConventionalCellInAnyBasisGivesTheSameFeatureMultisets() {
        // the primitive search + Niggli reduction make the P1 metric canonical, so M is the same;
        // rock salt's lattice symmetries are crystal symmetries, so every row's multiset agrees
        Structure s = SiteNetSupercellTest.rocksaltConventional();
        Structure t = transform(s, new int[][] {{1, 0, 1}, {0, 1, 0}, {-1, 1, 0}}, new double[] {0.13, 0.4, 0.77},
                new double[][] {{0, 1, 0}, {-1, 0, 0}, {0, 0, 1}});
        SiteNetSupercell a = SiteNetSupercell.of(s, 100);
        SiteNetSupercell b = SiteNetSupercell.of(t, 100);
        assertThat(b.matrix()).isDeepEqualTo(a.matrix());
        SiteNetFeatures fa = SiteNetFeatures.of(a);
        SiteNetFeatures fb = SiteNetFeatures.of(b);
        assertThat(fb.atomicNumbers()).containsExactly(fa.atomicNumbers());
        for (int i = 0; i < fa.primitiveSize(); i++) {
            for (int ch = 0; ch < 2; ch++) {
                double[] ra = row(fa, i, ch);
                double[] rb = row(fb, i, ch);
                assertThat(rb).containsExactly(ra, within(1e-10));
            }
        }
    }

    private static double[] row(SiteNetFeatures x, int i, int ch) {
        return row(x, i, ch, true);
    }

    private static double[] row(SiteNetFeatures x, int i, int ch, boolean sorted) {
        double[] r = new double[x.size()];
        for (int j = 0; j < r.length; j++) {
            r[j] = ch == 0 ? x.distance(i, j) : x.logCoulomb(i, j);
        }
        if (sorted) {
            Arrays.sort(r);
        }
        return r;
    }

    private static List<double[]> shortRange(SiteNetFeatures x, double radius) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < x.primitiveSize(); i++) {
            for (int j = 0; j < x.size(); j++) {
                if (x.distance(i, j) < radius) {
                    out.add(new double[] {x.atomicNumbers()[i], x.distance(i, j), x.logCoulomb(i, j)});
                }
            }
        }
        out.sort(Comparator.<double[]>comparingDouble(v -> v[0]).thenComparingDouble(v -> Math.rint(v[1] * 1e8))
                .thenComparingDouble(v -> v[2]));
        return out;
    }

    private static List<String> sortedRows(double[] flat) {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < flat.length; i += 8) {
            rows.add(Arrays.toString(Arrays.copyOfRange(flat, i, i + 8)));
        }
        rows.sort(null);
        return rows;
    }

    private static double[][] identity() {
        return new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    }

    /**
     * The same crystal with lattice rows U·L·Q (U unimodular, Q orthogonal), fractional coordinates
     * f·U⁻¹ shifted by a translation (in the old basis).
     */
    static Structure transform(Structure s, int[][] u, double[] shift, double[][] q) {
        double[][] l = Mat3.mul(Mat3.mul(Mat3.toDouble(u), s.lattice().matrix()), q);
        double[][] uinv = Mat3.inverse(Mat3.toDouble(u));
        Structure.Builder b = Structure.builder().lattice(Lattice.fromMatrix(l));
        for (Site site : s.sites()) {
            double[] f = site.frac();
            double[] g = Mat3.mulVec(new double[] {f[0] + shift[0], f[1] + shift[1], f[2] + shift[2]}, uinv);
            for (int k = 0; k < 3; k++) {
                g[k] = g[k] - Math.floor(g[k]);
            }
            b.addSite(Site.of(site.element(), g));
        }
        return b.build();
    }
}
