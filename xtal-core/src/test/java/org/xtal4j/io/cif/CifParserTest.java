package org.xtal4j.io.cif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xtal4j.io.StructureParseException;

/** The CIF tokenizer and block parser on small hand-written inputs. */
class CifParserTest {

    private final List<String> warnings = new ArrayList<>();

    private List<CifBlock> parse(String text) {
        return CifParser.parse(text, "t.cif", warnings::add);
    }

    private CifBlock one(String text) {
        List<CifBlock> blocks = parse(text);
        assertThat(blocks).hasSize(1);
        return blocks.get(0);
    }

    private static String value(CifBlock b, String tag) {
        return b.item(tag).values().get(0).text();
    }

    @Test
    void plainItemsQuotesAndComments() {
        CifBlock b = one("# comment\ndata_test  # trailing comment\n"
                + "_a 1.5\n_b 'two words'\n_c \"double quoted\"\n_d 'it's here'\n_e a#b\n_f 'a'b'\n");
        assertThat(b.name()).isEqualTo("test");
        assertThat(value(b, "_a")).isEqualTo("1.5");
        assertThat(value(b, "_b")).isEqualTo("two words");
        assertThat(value(b, "_c")).isEqualTo("double quoted");
        assertThat(value(b, "_d")).isEqualTo("it's here");
        assertThat(value(b, "_e")).isEqualTo("a#b");
        assertThat(value(b, "_f")).isEqualTo("a'b");
        assertThat(b.item("_b").values().get(0).quoted()).isTrue();
        assertThat(b.item("_a").line()).isEqualTo(3);
    }

    @Test
    void unknownAndInapplicableOnlyWhenUnquoted() {
        CifBlock b = one("data_x\n_a ?\n_b .\n_c '?'\n_d '.'\n");
        assertThat(b.item("_a").values().get(0).isUnknown()).isTrue();
        assertThat(b.item("_b").values().get(0).isInapplicable()).isTrue();
        assertThat(b.item("_c").values().get(0).isMissing()).isFalse();
        assertThat(b.item("_d").values().get(0).isMissing()).isFalse();
    }

    @Test
    void textFields() {
        CifBlock b = one("data_x\n_title\n;\nline one\nline two\n;\n_next 3\n");
        assertThat(value(b, "_title")).isEqualTo("line one\nline two");
        assertThat(b.item("_next").line()).isEqualTo(7);
        // a semicolon not in column 1 is an ordinary character
        CifBlock c = one("data_x\n_a  ;b\n");
        assertThat(value(c, "_a")).isEqualTo(";b");
    }

    @Test
    void loopsSplitIntoColumns() {
        CifBlock b = one("data_x\nloop_\n_atom_site_label\n_atom_site_fract_x\nNa1 0.0\nCl1 0.5\n_cell_length_a 5\n");
        assertThat(b.item("_atom_site_label").values()).extracting(CifValue::text).containsExactly("Na1", "Cl1");
        assertThat(b.item("_atom_site_fract_x").values()).extracting(CifValue::text).containsExactly("0.0", "0.5");
        assertThat(b.item("_atom_site_fract_x").values().get(1).line()).isEqualTo(6);
        assertThat(b.item("_atom_site_label").loop()).isEqualTo(b.item("_atom_site_fract_x").loop()).isNotNegative();
        assertThat(b.item("_cell_length_a").loop()).isEqualTo(-1);
    }

    @Test
    void reservedWordsAndTagsAreCaseInsensitiveAndDottedTagsAreTheSameItem() {
        CifBlock b = one("DATA_X\nLOOP_\n_Atom_Site.Fract_X\n0.25\n_CELL.LENGTH_A 4\n");
        assertThat(b.has("_atom_site_fract_x")).isTrue();
        assertThat(b.has("_atom_site.fract_x")).isTrue();
        assertThat(value(b, "_cell_length_a")).isEqualTo("4");
    }

    @Test
    void crlfAndLoneCrCountLines() {
        CifBlock b = one("data_x\r\n_a 1\r\n\r\n_b 2\r_c 3\r\n");
        assertThat(b.item("_b").line()).isEqualTo(4);
        assertThat(b.item("_c").line()).isEqualTo(5);
        assertThat(value(b, "_b")).isEqualTo("2");
    }

    @Test
    void quotedStringMaySpanLinesLikeCrystallographicaWrites() {
        CifBlock b = one("data_x\r\n_comment 'first line\r\n\r\n  second line\r\n'\r\n_next 1\r\n");
        assertThat(value(b, "_comment")).isEqualTo("first line\n\n  second line\n");
        assertThat(b.item("_next").line()).isEqualTo(6);
    }

    @Test
    void valuelessTrailingTagIsAccepted() {
        CifBlock b = one("data_x\n_a 1\n_eof\n");
        assertThat(b.has("_a")).isTrue();
        assertThat(warnings).isEmpty();
        one("data_x\n_a 1\n_other\n");
        assertThat(warnings).singleElement().asString().contains("t.cif:3").contains("_other");
    }

    @Test
    void severalBlocks() {
        List<CifBlock> blocks = parse("data_global\n_x 1\ndata_one\n_a 1\ndata_two\n_a 2\n");
        assertThat(blocks).extracting(CifBlock::name).containsExactly("global", "one", "two");
        assertThat(blocks.get(2).line()).isEqualTo(5);
    }

    @Test
    void duplicateTagsAreRecordedNotFatal() {
        CifBlock b = one("data_x\n_a 1\n_a 2\n");
        assertThat(value(b, "_a")).isEqualTo("1");
        assertThat(b.duplicateLine("_a")).isEqualTo(3);
    }

    @Test
    void errorsNameFileLineAndProblem() {
        expectError("", 0, "empty");
        expectError("  \n\t\n", 0, "empty");
        expectError("# only a comment\n", 0, "no data_ block");
        expectError("_a 1\ndata_x\n", 1, "before any data_");
        expectError("\nloop_\n_a\n1\n", 2, "before any data_");
        expectError("Si\n1.0\n", 1, "not a CIF");
        expectError("data_x\n_a 1\n\n_b\n_c 2\n", 4, "_b has no value");
        expectError("data_x\nloop_\n_a\n_b\n1 2 3\n", 2, "3 values for 2 tags");
        expectError("data_x\nloop_\n_a\n_b\n", 2, "no values");
        expectError("data_x\nloop_\n1 2\n", 2, "no tags");
        expectError("data_x\n_a 1\n2\n", 3, "has no tag");
        expectError("data_x\n_a 'open\n_b 1\n", 2, "not closed");
        expectError("data_x\n_a 'open", 2, "not closed");
        expectError("data_x\n_a\n;\nnever closed\n", 3, "never closed");
        expectError("data_x\n_a 1\n_b \u0001\n", 3, "control character U+0001");
        expectError("data_x\nsave_frame\n_a 1\nsave_\n", 2, "save frames");
    }

    private void expectError(String text, int line, String problem) {
        assertThatThrownBy(() -> parse(text))
                .isInstanceOf(StructureParseException.class)
                .hasMessageStartingWith(line > 0 ? "t.cif:" + line + ": " : "t.cif: ")
                .hasMessageContaining(problem);
    }

    @Test
    void numbersWithStandardUncertainties() {
        assertThat(CifNumbers.parse("5.4310(2)")).isEqualTo(5.4310);
        assertThat(CifNumbers.parse("3.03(1)")).isEqualTo(3.03);
        assertThat(CifNumbers.parse("-0.0123(45)")).isEqualTo(-0.0123);
        assertThat(CifNumbers.parse(".25")).isEqualTo(0.25);
        assertThat(CifNumbers.parse("0.")).isEqualTo(0.0);
        assertThat(CifNumbers.parse("+1.5e-3")).isEqualTo(1.5e-3);
        assertThat(CifNumbers.parse("90")).isEqualTo(90.0);
        assertThat(CifNumbers.parse("five")).isNull();
        assertThat(CifNumbers.parse("?")).isNull();
        assertThat(CifNumbers.parse("1.5(")).isNull();
        assertThat(CifNumbers.parse("1/2")).isNull();
        assertThat(CifNumbers.parse("NaN")).isNull();
        assertThat(CifNumbers.parse("1e999")).isNull();
    }
}
