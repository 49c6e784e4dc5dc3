package org.xtal4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtxyzDatasetTest {

    @TempDir
    Path dir;

    private static final String TWO_FRAMES = """
            2
            Lattice="3.0 0.0 0.0 0.0 3.0 0.0 0.0 0.0 3.0" Properties=species:S:1:pos:R:3:forces:R:3 energy=-10.5 config_type=bulk pbc="T T T"
            Si 0.0 0.0 0.0 0.1 0.2 0.3
            Si 1.5 1.5 1.5 -0.1 -0.2 -0.3
            2
            Lattice="3.1 0.0 0.0 0.0 3.1 0.0 0.0 0.0 3.1" Properties=species:S:1:pos:R:3:forces:R:3 energy=-10.25 config_type="strained bulk" pbc="T T T"
            Si 0.0 0.0 0.0 0.5 0.0 0.0
            Si 1.55 1.55 1.55 -0.5 0.0 0.0
            """;

    @Test
    void framesWithEnergiesAndForces() throws IOException {
        Dataset d = DatasetLoader.load(Texts.write(dir.resolve("two.extxyz"), TWO_FRAMES));
        assertThat(d.targetNames()).containsExactly("energy");
        assertThat(d.extraNames()).containsExactly("config_type");
        List<Record> r = d.materialise();
        assertThat(d.errors()).isEmpty();
        assertThat(r).extracting(Record::id).containsExactly("1", "2");
        assertThat(r).extracting(x -> x.target("energy")).containsExactly(-10.5, -10.25);
        assertThat(r.get(1).extra("config_type")).isEqualTo("strained bulk");
        assertThat(r.get(1).structure().volume()).isCloseTo(3.1 * 3.1 * 3.1, within(1e-9));
        double[][] forces = r.get(0).structure().siteProperties().get("forces");
        assertThat(forces).hasDimensions(2, 3);
        assertThat(forces[1]).containsExactly(-0.1, -0.2, -0.3);
    }

    @Test
    void idFromFrameInfoAndNamedTargets() throws IOException {
        String text = TWO_FRAMES.replace("energy=-10.5", "energy=-10.5 jid=JVASP-1 free_energy=-10.6")
                .replace("energy=-10.25", "energy=-10.25 jid=JVASP-2");
        Path f = Texts.write(dir.resolve("ids.xyz"), text);
        Dataset d = DatasetLoader.load(f);
        assertThat(d.targetNames()).containsExactly("energy", "free_energy");
        List<Record> r = d.materialise();
        assertThat(r).extracting(Record::id).containsExactly("JVASP-1", "JVASP-2");
        // a key missing from a later frame is a missing value
        assertThat(r.get(1).target("free_energy")).isNaN();
        Dataset named = DatasetLoader.load(f, LoadOptions.defaults().targets("free_energy").idColumn("config_type"));
        assertThat(named.materialise()).extracting(Record::id).containsExactly("bulk", "strained bulk");
    }

    @Test
    void aBadFrameIsReportedWithItsFileLine() throws IOException {
        String text = TWO_FRAMES.replace("Si 1.55 1.55 1.55", "Si 1.55 oops 1.55");
        Path f = Texts.write(dir.resolve("bad.xyz"), text);
        Dataset d = DatasetLoader.load(f);
        assertThat(d.materialise()).extracting(Record::id).containsExactly("1");
        assertThat(d.errors()).singleElement().satisfies(e -> {
            assertThat(e.row()).isEqualTo(2);
            // line 4 of the second frame is line 8 of the file
            assertThat(e.message()).startsWith("bad.xyz:8:");
        });
    }

    @Test
    void truncatedFileIsAFileError() throws IOException {
        String text = TWO_FRAMES.substring(0, TWO_FRAMES.lastIndexOf("Si 1.55"));
        Dataset d = DatasetLoader.load(Texts.write(dir.resolve("cut.xyz"), text));
        assertThatThrownBy(d::materialise).isInstanceOf(DatasetException.class)
                .hasMessageContaining("cut.xyz:8").hasMessageContaining("1 of 2 atom lines");
    }

    @Test
    void infoLineTokens() {
        var m = ExtxyzInfo.parse("a=1 b = \"two words\" c='q' flag d={1 2 3} e=[4, 5] Lattice=\"1 0 0 0 1 0 0 0 1\"");
        assertThat(m).containsEntry("a", "1").containsEntry("b", "two words").containsEntry("c", "q")
                .containsEntry("flag", "T").containsEntry("d", "1 2 3").containsEntry("e", "4, 5")
                .containsEntry("Lattice", "1 0 0 0 1 0 0 0 1");
    }
}
