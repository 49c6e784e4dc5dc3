package org.xtal4j.structure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ElementTest {

    @Test
    void lookupBySymbolAndNumber() {
        assertThat(Element.of("Fe").z()).isEqualTo(26);
        assertThat(Element.of(26)).isSameAs(Element.of("Fe"));
        assertThat(Element.of(103).symbol()).isEqualTo("Lr");
        assertThat(Element.lookup("FE")).contains(Element.of("Fe"));
        assertThat(Element.lookup("Qq")).isEmpty();
        assertThatThrownBy(() -> Element.of("Qq")).hasMessageContaining("Qq");
        assertThatThrownBy(() -> Element.of(104)).hasMessageContaining("104");
    }

    @Test
    void everyElementHasItsProperties() {
        for (int z = 1; z <= Element.MAX_Z; z++) {
            ElementProperties p = Element.of(z).properties();
            assertThat(p.z()).isEqualTo(z);
            assertThat(p.symbol()).isEqualTo(Element.of(z).symbol());
            assertThat(p.atomicMass()).isPositive();
            assertThat(p.row()).isBetween(1, 7);
        }
    }

    @Test
    void knownValues() {
        ElementProperties fe = Element.of("Fe").properties();
        assertThat(fe.atomicMass()).isCloseTo(55.845, within(1e-9));
        assertThat(fe.row()).isEqualTo(4);
        assertThat(fe.group()).isEqualTo(8);
        assertThat(fe.paulingElectronegativity()).isCloseTo(1.83, within(1e-9));
        assertThat(fe.commonOxidationStates()).containsExactly(2, 3);
        // Site-Net's Magpie inputs, raw units; He has no Pauling electronegativity in either table
        assertThat(Element.of("C").properties().magpie().density()).isCloseTo(2260, within(1e-9));
        assertThat(Element.of("He").properties().paulingElectronegativity()).isNaN();
        assertThat(Element.of("He").properties().magpie().electronegativity()).isNaN();
        // lanthanides are group 3 in both tables
        assertThat(Element.of("Nd").properties().magpie().column()).isEqualTo(3.0);
    }
}
