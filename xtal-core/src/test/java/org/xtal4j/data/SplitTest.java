package org.xtal4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xtal4j.data.Texts.NACL;
import static org.xtal4j.data.Texts.NACL_FRAC;
import static org.xtal4j.data.Texts.quote;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Structure;

class SplitTest {

    @TempDir
    Path dir;

    /** n in-memory records with ids "m0".."m(n-1)" (in the given order) and a split column. */
    private static Dataset memory(List<Integer> order) {
        Structure s = Structure.builder().lattice(Lattice.fromParameters(3, 3, 3, 90, 90, 90)).build();
        List<Record> records = new ArrayList<>();
        int row = 1;
        for (int i : order) {
            String split = i % 10 == 9 ? "" : i % 10 == 8 ? "val" : "train";
            records.add(new Record(new RecordInfo(row++, "m" + i, Map.of("y", (double) i), Map.of("split", split)), s));
        }
        return Dataset.of("memory", records);
    }

    private static List<Integer> range(int n) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(i);
        }
        return l;
    }

    @Test
    void byColumnWithEmptyAsNone() {
        SplitAssignment a = Split.byColumn("split").assign(memory(range(100)));
        assertThat(a.parts()).containsExactly("train", "val", "none");
        assertThat(a.counts()).containsExactly(Map.entry("train", 80), Map.entry("val", 10), Map.entry("none", 10));
        assertThat(a.part("val").materialise()).extracting(Record::id).startsWith("m8", "m18");
        assertThat(a.ids("none")).startsWith("m9", "m19");
        assertThatThrownBy(() -> a.part("test")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("test");
        // a numeric column splits by its value: y = 0..99 → 100 parts "0".."99"
        SplitAssignment byY = Split.byColumn("y").assign(memory(range(100)));
        assertThat(byY.parts()).hasSize(100).startsWith("0", "1");
        assertThat(byY.ids("42")).containsExactly("m42");
        assertThatThrownBy(() -> Split.byColumn("fold").assign(memory(range(3))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fold");
    }

    @Test
    void randomSplitIsReproducibleExactAndOrderIndependent() {
        Dataset d = memory(range(1000));
        SplitAssignment a = Split.random(42, 0.8, 0.1, 0.1).assign(d);
        assertThat(a.counts()).containsEntry("train", 800).containsEntry("val", 100).containsEntry("test", 100);
        assertThat(a.parts()).containsExactly("train", "val", "test");
        SplitAssignment again = Split.random(42, 0.8, 0.1, 0.1).assign(d.parallelism(3));
        assertThat(again.ids("test")).isEqualTo(a.ids("test"));
        // a shuffled row order gives the same ids in each part
        List<Integer> shuffled = range(1000);
        Collections.shuffle(shuffled, new java.util.Random(7));
        SplitAssignment reordered = Split.random(42, 0.8, 0.1, 0.1).assign(memory(shuffled));
        assertThat(new HashSet<>(reordered.ids("val"))).isEqualTo(new HashSet<>(a.ids("val")));
        // another seed, other ids
        SplitAssignment other = Split.random(43, 0.8, 0.1, 0.1).assign(d);
        assertThat(new HashSet<>(other.ids("test"))).isNotEqualTo(new HashSet<>(a.ids("test")));
        // the parts cover every record once
        Set<String> all = new HashSet<>(a.ids("train"));
        all.addAll(a.ids("val"));
        all.addAll(a.ids("test"));
        assertThat(all).hasSize(1000);
    }

    @Test
    void fractionsBelowOneLeaveARemainderAndAboveOneFail() {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("a", 0.25);
        f.put("b", 0.25);
        SplitAssignment s = Split.random(1, f).assign(memory(range(100)));
        assertThat(s.counts()).containsExactly(Map.entry("a", 25), Map.entry("b", 25), Map.entry("none", 50));
        assertThatThrownBy(() -> Split.random(1, 0.8, 0.2, 0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than 1");
        assertThatThrownBy(() -> Split.random(1, Map.of("x", -0.1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hashedSplitDependsOnlyOnIdAndSeed() {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("train", 0.8);
        f.put("test", 0.2);
        SplitAssignment a = Split.hashed(5, f).assign(memory(range(2000)));
        // a subset keeps each id's part
        SplitAssignment sub = Split.hashed(5, f).assign(memory(range(500)));
        assertThat(sub.ids("test")).isEqualTo(a.ids("test").stream().filter(id -> Integer.parseInt(id.substring(1)) < 500).toList());
        assertThat(a.counts().get("test")).isBetween(330, 470); // 400 expected, binomial sd ≈ 18
        SplitAssignment other = Split.hashed(6, f).assign(memory(range(2000)));
        assertThat(other.ids("test")).isNotEqualTo(a.ids("test"));
        assertThat(HashSplit.unit(5, "mp-1")).isEqualTo(HashSplit.unit(5, "mp-1")).isBetween(0.0, 1.0);
    }

    @Test
    void idListFilesRoundTrip() throws IOException {
        Dataset d = memory(range(20));
        SplitAssignment a = Split.random(3, 0.5, 0.25, 0.25).assign(d);
        a.writeIdLists(dir.resolve("splits"));
        assertThat(Files.readAllLines(dir.resolve("splits/val.txt"))).isEqualTo(a.ids("val"));
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("train", dir.resolve("splits/train.txt"));
        files.put("val", dir.resolve("splits/val.txt"));
        SplitAssignment b = Split.byIdFiles(files).assign(d);
        assertThat(b.ids("train")).isEqualTo(a.ids("train"));
        assertThat(b.ids("none")).isEqualTo(a.ids("test"));
        assertThat(b.unmatchedIds()).isEmpty();

        Files.writeString(dir.resolve("extra.txt"), "# comment\nm1\n\nnot-there\n");
        SplitAssignment c = Split.byIdFiles(Map.of("x", dir.resolve("extra.txt"))).assign(d);
        assertThat(c.ids("x")).containsExactly("m1");
        assertThat(c.unmatchedIds()).containsExactly("not-there");
        assertThatThrownBy(() -> Split.byIds(Map.of("a", List.of("m1"), "b", List.of("m1"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("m1");
    }

    @Test
    void partsParseOnlyTheirOwnStructures() throws IOException {
        String good = quote(Texts.poscar("NaCl", 5.64, NACL, NACL_FRAC));
        String csv = "id,split,y,structure\na,train,1," + good + "\nb,test,2,\"garbage\nthat is not\na POSCAR\n1 2\"\n"
                + "c,train,3," + good + "\n";
        Dataset d = DatasetLoader.load(Texts.write(dir.resolve("s.csv"), csv));
        SplitAssignment a = Split.byColumn("split").assign(d);
        Dataset train = a.part("train");
        assertThat(train.size()).isEqualTo(2);
        assertThat(train.materialise()).extracting(Record::id).containsExactly("a", "c");
        assertThat(train.errors()).isEmpty();
        assertThat(a.part("test").materialise()).isEmpty();
        assertThat(a.part("test").errors()).extracting(RecordError::id).containsExactly("b");
    }
}
