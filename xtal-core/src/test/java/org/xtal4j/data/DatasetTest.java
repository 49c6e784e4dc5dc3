package org.xtal4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Structure;

class DatasetTest {

    private static Dataset numbers(int n) {
        Structure s = Structure.builder().lattice(Lattice.fromParameters(3, 3, 3, 90, 90, 90)).build();
        List<Record> r = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            r.add(new Record(new RecordInfo(i, "id" + i, Map.of("y", i % 3 == 0 ? Double.NaN : i), Map.of()), s));
        }
        return Dataset.of("memory", r);
    }

    @Test
    void filterOnTargetsAndIds() {
        Dataset d = numbers(10);
        assertThat(d.size()).isEqualTo(10);
        Dataset labelled = d.filter(r -> r.hasTarget("y"));
        assertThat(labelled.size()).isEqualTo(7);
        assertThat(labelled.filter(r -> r.id().startsWith("id1")).materialise()).extracting(Record::id)
                .containsExactly("id1", "id10");
        assertThat(d.targetNames()).containsExactly("y");
    }

    @Test
    void iterationCanRepeat() {
        Dataset d = numbers(5).parallelism(2);
        List<String> first = new ArrayList<>();
        for (Record r : d) {
            first.add(r.id());
        }
        assertThat(d.materialise()).extracting(Record::id).isEqualTo(first).hasSize(5);
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> numbers(1).parallelism(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoadOptions.defaults().parallelism(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(numbers(1).strict(true).isStrict()).isTrue();
    }

    @Test
    void missingValueWords() {
        assertThat(Values.parse(" NaN ")).isNaN();
        assertThat(Values.parse("")).isNaN();
        assertThat(Values.parse("None")).isNaN();
        assertThat(Values.parse("-1.5e-3")).isEqualTo(-1.5e-3);
        assertThat(Values.parse("inf")).isInfinite();
        assertThatThrownBy(() -> Values.parse("1.0d")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> Values.parse("0x10")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> Values.parse("train")).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void structureTextKinds() {
        assertThat(StructureKinds.detect(Texts.cif("x", 4, new String[] {"Na"}, new double[][] {{0, 0, 0}}))).isEqualTo("cif");
        assertThat(StructureKinds.detect(Texts.poscar("x", 4, new String[] {"Na"}, new double[][] {{0, 0, 0}})))
                .isEqualTo("poscar");
        assertThat(StructureKinds.detect(Texts.pymatgenJson(4, new String[] {"Na"}, new double[][] {{0, 0, 0}})))
                .isEqualTo("json");
        assertThat(StructureKinds.detect("1\nLattice=\"1 0 0 0 1 0 0 0 1\" Properties=species:S:1:pos:R:3\nH 0 0 0\n"))
                .isEqualTo("extxyz");
        assertThat(StructureKinds.detect("NaCl")).isNull();
        assertThat(StructureKinds.detect("-1.25")).isNull();
        assertThat(StructureKinds.detect("a free text\nwith two lines")).isNull();
    }
}
