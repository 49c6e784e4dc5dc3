package org.xtal4j.symmetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xtal4j.structure.Element;

class SymmetryExpanderTest {

    private static final Element NA = Element.of("Na");
    private static final Element CL = Element.of("Cl");
    private static final Element MG = Element.of("Mg");
    private static final Element FE = Element.of("Fe");

    private static List<SymmetryOperation> ops(String... xyz) {
        List<SymmetryOperation> out = new ArrayList<>();
        for (String s : xyz) {
            out.add(SymmetryOperation.parse(s));
        }
        return out;
    }

    private static SymmetryExpander.Atom atom(Element e, double occ, double x, double y, double z) {
        return new SymmetryExpander.Atom(e, occ, new double[] {x, y, z}, e.symbol());
    }

    @Test
    void rockSaltFromFm3m() {
        List<SymmetryOperation> fm3m = SpaceGroupSettings.standard().byHermannMauguin("F m -3 m", false)
                .orElseThrow().operations();
        List<SymmetryExpander.ExpandedSite> sites = new SymmetryExpander(fm3m)
                .expand(List.of(atom(NA, 1, 0, 0, 0), atom(CL, 1, 0.5, 0.5, 0.5)));
        assertThat(sites).hasSize(8);
        assertThat(sites.stream().filter(s -> s.species().containsKey(NA))).hasSize(4);
        for (SymmetryExpander.ExpandedSite s : sites) {
            for (double f : s.frac()) {
                assertThat(f).isGreaterThanOrEqualTo(0).isLessThan(1);
            }
        }
    }

    @Test
    void atomsOnOnePositionBecomeOneMixedSite() {
        List<SymmetryExpander.ExpandedSite> sites = new SymmetryExpander(ops("x,y,z", "-x,-y,-z"))
                .expand(List.of(atom(MG, 0.7, 0.1, 0.2, 0.3), atom(FE, 0.3, -0.1, -0.2, -0.3)));
        assertThat(sites).hasSize(2);
        for (SymmetryExpander.ExpandedSite s : sites) {
            assertThat(s.species()).isEqualTo(Map.of(MG, 0.7, FE, 0.3));
            assertThat(s.atoms()).containsExactly(0, 1);
        }
    }

    @Test
    void overfullPositionIsReportedNotHidden() {
        List<SymmetryExpander.ExpandedSite> sites = new SymmetryExpander(ops("x,y,z"))
                .expand(List.of(atom(NA, 1, 0, 0, 0), atom(NA, 1, 0, 0, 0)));
        assertThat(sites).singleElement().satisfies(s -> assertThat(s.totalOccupancy()).isEqualTo(2.0));
    }

    @Test
    void imagesAreMergedAcrossTheCellBoundaryWithinTolerance() {
        // x and -x of 0.99996 are 0.99996 and 0.00004: 8e-5 apart through the boundary, one site
        List<SymmetryExpander.ExpandedSite> sites = new SymmetryExpander(ops("x,y,z", "-x,y,z"))
                .expand(List.of(atom(NA, 1, 0.99996, 0.5, 0.5)));
        assertThat(sites).hasSize(1);
        // 0.4 and 0.6: distinct
        assertThat(new SymmetryExpander(ops("x,y,z", "-x,y,z")).expand(List.of(atom(NA, 1, 0.4, 0.5, 0.5))))
                .hasSize(2);
        // just outside the tolerance: 2.2e-4 apart, two sites
        assertThat(new SymmetryExpander(ops("x,y,z", "-x,y,z")).expand(List.of(atom(NA, 1, 0.99989, 0.5, 0.5))))
                .hasSize(2);
    }

    @Test
    void orbitsOfEqualCompositionAreDeduplicatedAcrossAtoms() {
        // an incomplete operation list {1, 3+} (no 3-): q = 3+(p) is not mapped back onto p, so the two
        // atoms stay separate positions, but their orbits {p, q} and {q, 3+(q)} share q: 3 sites, not 4
        List<SymmetryOperation> ops = ops("x,y,z", "-y,x-y,z");
        List<SymmetryExpander.ExpandedSite> sites = new SymmetryExpander(ops)
                .expand(List.of(atom(NA, 1, 0.1, 0.2, 0.3), atom(NA, 1, -0.2, -0.1, 0.3)));
        assertThat(sites).hasSize(3);
        assertThat(sites).allSatisfy(s -> assertThat(s.totalOccupancy()).isEqualTo(1.0));
        // with different compositions the orbits are kept apart
        assertThat(new SymmetryExpander(ops).expand(List.of(atom(NA, 1, 0.1, 0.2, 0.3), atom(CL, 1, -0.2, -0.1, 0.3))))
                .hasSize(4);
    }

    @Test
    void thirdsAreSnapped() {
        // 0.3333 and 0.6667 are treated as 1/3 and 2/3, so the three-fold images close exactly
        List<SymmetryOperation> p3 = ops("x,y,z", "-y,x-y,z", "-x+y,-x,z");
        List<SymmetryExpander.ExpandedSite> sites = new SymmetryExpander(p3)
                .expand(List.of(atom(NA, 1, 0.3333, 0.6667, 0.25)));
        assertThat(sites).hasSize(1);
        assertThat(sites.get(0).frac()[0]).isCloseTo(1.0 / 3, within(1e-15));
        assertThat(SymmetryExpander.snapThirds(new double[] {0.333, 0.6666, -0.3333}))
                .containsExactly(0.333, 2.0 / 3, -0.3333);
    }

    @Test
    void largeCellIsLinear() {
        // 40 000 distinct P1 atoms with the identity and a pure translation by (1/2,0,0) of a half-cell grid
        List<SymmetryExpander.Atom> atoms = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            for (int j = 0; j < 200; j++) {
                atoms.add(atom(NA, 1, i * 0.005, j * 0.005, 0.25));
            }
        }
        long t0 = System.nanoTime();
        List<SymmetryExpander.ExpandedSite> sites = new SymmetryExpander(ops("x,y,z", "x+1/2,y,z")).expand(atoms);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(sites).hasSize(40000);
        assertThat(seconds).isLessThan(5.0);
    }
}
