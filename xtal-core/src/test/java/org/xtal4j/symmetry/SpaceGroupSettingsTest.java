package org.xtal4j.symmetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Symbol lookup in the bundled table; expected counts and settings are International Tables facts. */
class SpaceGroupSettingsTest {

    private final SpaceGroupSettings table = SpaceGroupSettings.standard();

    private SpaceGroupSetting hm(String symbol) {
        return table.byHermannMauguin(symbol, false).orElseThrow(() -> new AssertionError("not found: " + symbol));
    }

    @Test
    void tableHasAll530SettingsAnd230Groups() {
        assertThat(table.settings()).hasSize(530);
        Set<Integer> numbers = new HashSet<>();
        table.settings().forEach(s -> numbers.add(s.number()));
        assertThat(numbers).hasSize(230);
    }

    @Test
    void hallSymbolsAreSpaceSensitiveButCaseAndRunTolerant() {
        assertThat(table.byHall("-P 2c 2ab").orElseThrow().number()).isEqualTo(62);
        assertThat(table.byHall("  -p  2c   2ab ").orElseThrow().number()).isEqualTo(62);
        assertThat(table.byHall("P 32").orElseThrow().number()).isEqualTo(145);
        assertThat(table.byHall("P 3 2").orElseThrow().number()).isEqualTo(149);
        assertThat(table.byHall("-R 3 2\"").orElseThrow().choice()).isEqualTo("H");
        assertThat(table.byHall("nonsense")).isEmpty();
    }

    @Test
    void hermannMauguinSpellings() {
        assertThat(hm("P 21 21 21").number()).isEqualTo(19);
        assertThat(hm("P2_12_12_1").number()).isEqualTo(19);
        assertThat(hm("p 21 21 21").number()).isEqualTo(19);
        SpaceGroupSetting pbnm = hm("P b n m");
        assertThat(pbnm.number()).isEqualTo(62);
        assertThat(pbnm.hallSymbol()).isEqualTo("-P 2c 2ab");
        assertThat(hm("P n m a").hallSymbol()).isEqualTo("-P 2ac 2n");
        assertThat(hm("P 1 1 m").choice()).isEqualTo("c");
        assertThat(hm("P m").choice()).isEqualTo("b");
        assertThat(hm("P 1 21/c 1").number()).isEqualTo(14);
        assertThat(hm("P 21/n").hallSymbol()).isEqualTo("-P 2yn");
        assertThat(hm("P 21/c").hallSymbol()).isEqualTo("-P 2ybc");
        assertThat(hm("C 2/c").hallSymbol()).isEqualTo("-C 2yc");
        assertThat(hm("P 63/m m c").operations()).hasSize(24);
        assertThat(hm("Fm-3m").operations()).hasSize(192);
        assertThat(hm("P 42/m m c S").number()).isEqualTo(131);
        assertThat(table.byHermannMauguin("Q 1", false)).isEmpty();
    }

    @Test
    void settingChoices() {
        assertThat(hm("R -3 m :H").choice()).isEqualTo("H");
        assertThat(hm("R -3 m :H").operations()).hasSize(36);
        assertThat(hm("R -3 m:R").operations()).hasSize(12);
        assertThat(hm("R-3mR").choice()).isEqualTo("R");
        assertThat(hm("R -3 m").choice()).isEqualTo("H");
        assertThat(table.byHermannMauguin("R -3 m", true).orElseThrow().choice()).isEqualTo("R");
        assertThat(table.byHermannMauguin("P -1", true).orElseThrow().number()).isEqualTo(2);
        assertThat(hm("F d -3 m").choice()).isEqualTo("1");
        assertThat(hm("F d -3 m :1").choice()).isEqualTo("1");
        assertThat(hm("F d -3 m :2").choice()).isEqualTo("2");
        assertThat(hm("I 41/a c d :1").hallSymbol()).isEqualTo("I 4bw 2aw -1bw");
        assertThat(hm("F d -3 m Z").choice()).isEqualTo("2");
        assertThat(hm("F d -3 m S").choice()).isEqualTo("1");
        assertThat(hm("P m m m").number()).isEqualTo(47);
    }

    @Test
    void numbersGiveTheStandardSetting() {
        assertThat(table.byNumber(14, false).orElseThrow().hallSymbol()).isEqualTo("-P 2ybc");
        assertThat(table.byNumber(166, false).orElseThrow().choice()).isEqualTo("H");
        assertThat(table.byNumber(166, true).orElseThrow().choice()).isEqualTo("R");
        assertThat(table.byNumber(225, true).orElseThrow().number()).isEqualTo(225);
        assertThat(table.byNumber(231, false)).isEmpty();
    }

    @Test
    void unlistedCentringIsBuiltFromThePrimitiveSymbol() {
        SpaceGroupSetting a1 = hm("A -1");
        assertThat(a1.number()).isEqualTo(2);
        List<String> ops = a1.operations().stream().map(SymmetryOperation::toXyz).toList();
        assertThat(ops).containsExactlyInAnyOrder("x,y,z", "-x,-y,-z", "x,y+1/2,z+1/2", "-x,-y+1/2,-z+1/2");
        assertThat(hm("I -1").operations()).hasSize(4);
    }
}
