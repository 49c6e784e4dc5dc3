package org.xtal4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.xtal4j.data.Texts.NACL;
import static org.xtal4j.data.Texts.NACL_FRAC;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdPropDatasetTest {

    @TempDir
    Path dir;

    private void structures() throws IOException {
        // with the extension in id_prop.csv (ALIGNN), without it (CGCNN), and one id with no file
        Texts.write(dir.resolve("POSCAR-A.vasp"), Texts.poscar("A", 5.0, NACL, NACL_FRAC));
        Texts.write(dir.resolve("mp-2.vasp"), Texts.poscar("B", 6.0, NACL, NACL_FRAC));
        Texts.write(dir.resolve("mp-3.json"), Texts.pymatgenJson(4.0, new String[] {"Cs"}, new double[][] {{0, 0, 0}}));
    }

    @Test
    void filesFoundWithAndWithoutExtension() throws IOException {
        structures();
        Texts.write(dir.resolve("id_prop.csv"), "POSCAR-A.vasp,1.5,-3\nmp-2,0.0,2\nmp-missing,7,7\nmp-3,,1\n");
        Dataset d = DatasetLoader.load(dir, LoadOptions.defaults().parallelism(2));
        assertThat(d.targetNames()).containsExactly("target0", "target1");
        List<Record> r = d.materialise();
        assertThat(r).extracting(Record::id).containsExactly("POSCAR-A.vasp", "mp-2", "mp-3");
        assertThat(r).extracting(Record::row).containsExactly(1, 2, 4);
        assertThat(r.get(0).target("target0")).isEqualTo(1.5);
        assertThat(r.get(0).target("target1")).isEqualTo(-3.0);
        assertThat(r.get(1).structure().volume()).isCloseTo(216.0, within(1e-6));
        assertThat(r.get(2).structure().volume()).isCloseTo(64.0, within(1e-6));
        assertThat(r.get(2).target("target0")).isNaN();
        assertThat(d.errors()).singleElement().satisfies(e -> {
            assertThat(e.row()).isEqualTo(3);
            assertThat(e.id()).isEqualTo("mp-missing");
            assertThat(e.message()).contains("no structure file for id 'mp-missing'");
        });
    }

    @Test
    void targetNamesGivenOrFromAHeaderLine() throws IOException {
        structures();
        Path idProp = Texts.write(dir.resolve("id_prop.csv"), "mp-2,0.5,2\n");
        Dataset named = DatasetLoader.load(idProp, LoadOptions.defaults().targets("gap", "k"));
        assertThat(named.targetNames()).containsExactly("gap", "k");
        assertThat(named.materialise().get(0).target("k")).isEqualTo(2.0);
        assertThatThrownBy(() -> DatasetLoader.load(idProp, LoadOptions.defaults().targets("gap")))
                .isInstanceOf(DatasetException.class).hasMessageContaining("1 target names").hasMessageContaining("2 values");

        Path withHeader = Texts.write(dir.resolve("labels.csv"), "file,gap\nmp-2,0.5\nPOSCAR-A.vasp,1\n");
        Dataset h = DatasetLoader.load(withHeader, LoadOptions.defaults().form(DatasetForm.ID_PROP));
        assertThat(h.targetNames()).containsExactly("gap");
        assertThat(h.materialise()).extracting(Record::id).containsExactly("mp-2", "POSCAR-A.vasp");
    }

    @Test
    void structureFolderAndFormatOptions() throws IOException {
        Path structs = Files.createDirectories(dir.resolve("structs"));
        Texts.write(structs.resolve("s1.txt"), Texts.poscar("A", 5.0, NACL, NACL_FRAC));
        Path idProp = Texts.write(dir.resolve("id_prop.csv"), "s1.txt,1\n../id_prop.csv,2\n");
        Dataset d = DatasetLoader.load(idProp, LoadOptions.defaults().structureDir(structs).structureFormat("poscar"));
        assertThat(d.materialise()).extracting(Record::id).containsExactly("s1.txt");
        assertThat(d.errors()).singleElement().satisfies(e -> assertThat(e.message()).contains("outside"));
    }

    @Test
    void folderWithoutIdPropIsAnError() {
        assertThatThrownBy(() -> DatasetLoader.load(dir)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("id_prop.csv");
    }
}
