package org.xtal4j.structure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StructureTest {

    static Structure rocksalt() {
        Lattice l = Lattice.fromParameters(5.64, 5.64, 5.64, 90, 90, 90);
        Element na = Element.of("Na");
        Element cl = Element.of("Cl");
        double[][] fcc = {{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}};
        Structure.Builder b = Structure.builder().lattice(l);
        for (double[] t : fcc) {
            b.addSite(Site.of(na, t));
            b.addSite(Site.of(cl, new double[] {t[0] + 0.5, t[1], t[2]}));
        }
        return b.build();
    }

    @Test
    void compositionFormulaAndDensity() {
        Structure s = rocksalt();
        assertThat(s.size()).isEqualTo(8);
        assertThat(s.composition().reducedFormula()).isEqualTo("NaCl");
        assertThat(s.composition().formula()).isEqualTo("Na4 Cl4");
        // NaCl: 4 × 58.443 u in 5.64³ Å³ = 2.164 g/cm³
        assertThat(s.density()).isCloseTo(2.1646, within(1e-3));
        assertThat(s.isOrdered()).isTrue();
    }

    @Test
    void wrappingKeepsCoordinatesInUnitInterval() {
        Structure s = rocksalt().wrapped();
        for (Site site : s.sites()) {
            for (int k = 0; k < 3; k++) {
                assertThat(site.frac(k)).isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
            }
        }
        assertThat(Structure.wrap(-1e-18)).isEqualTo(0.0);
        assertThat(Structure.wrap(1.25)).isCloseTo(0.25, within(1e-15));
    }

    @Test
    void disorderedSitesAreReported() {
        Site mixed = new Site(Map.of(Element.of("Fe"), 0.5, Element.of("Mg"), 0.5), new double[] {0, 0, 0}, "M1");
        Structure s = Structure.of(Lattice.fromParameters(3, 3, 3, 90, 90, 90), List.of(mixed));
        assertThat(s.isOrdered()).isFalse();
        assertThat(mixed.speciesString()).isEqualTo("Fe:0.5 Mg:0.5");
        assertThat(s.composition().amount(Element.of("Fe"))).isEqualTo(0.5);
        assertThatThrownBy(s::atomicNumbers).hasMessageContaining("disordered");
        assertThatThrownBy(() -> new Site(Map.of(Element.of("Fe"), 0.7, Element.of("Mg"), 0.5), new double[] {0, 0, 0}, "x"))
                .hasMessageContaining("add up to");
    }

    @Test
    void sitePropertiesMustMatchSiteCount() {
        assertThatThrownBy(() -> rocksalt().toBuilder().siteProperty("forces", new double[3][3]).build())
                .hasMessageContaining("forces");
    }
}
