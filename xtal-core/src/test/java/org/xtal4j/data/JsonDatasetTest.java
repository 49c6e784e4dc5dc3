package org.xtal4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.xtal4j.data.Texts.NACL;
import static org.xtal4j.data.Texts.NACL_FRAC;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonDatasetTest {

    @TempDir
    Path dir;

    @Test
    void matbenchSplitTableGzip() throws IOException {
        String s1 = Texts.pymatgenJson(5.0, NACL, NACL_FRAC);
        String s2 = Texts.pymatgenJson(4.0, new String[] {"Cs"}, new double[][] {{0, 0, 0}});
        String s3 = Texts.pymatgenJson(6.0, NACL, NACL_FRAC);
        String json = "{\"index\": [\"mb-x-0001\", \"mb-x-0002\", \"mb-x-0003\"], \"columns\": [\"structure\", \"e_form\"], "
                + "\"data\": [[" + s1 + ", -1.25], [" + s2 + ", null], [" + s3 + ", 0.5]]}";
        Dataset d = DatasetLoader.load(Texts.writeGzip(dir.resolve("matbench_x.json.gz"), json));
        assertThat(d.targetNames()).containsExactly("e_form");
        List<Record> r = d.materialise();
        assertThat(d.errors()).isEmpty();
        assertThat(r).extracting(Record::id).containsExactly("mb-x-0001", "mb-x-0002", "mb-x-0003");
        assertThat(r.get(0).target("e_form")).isEqualTo(-1.25);
        assertThat(r.get(1).target("e_form")).isNaN();
        assertThat(r.get(1).structure().volume()).isCloseTo(64.0, within(1e-9));
        assertThat(r.get(2).structure().size()).isEqualTo(2);
    }

    @Test
    void aBadStructureDictIsARecordError() throws IOException {
        String good = Texts.pymatgenJson(5.0, NACL, NACL_FRAC);
        String json = "{\"columns\": [\"structure\", \"y\"], \"data\": [[" + good + ", 1], [{\"lattice\": {}, \"sites\": []}, 2], ["
                + good + ", \"high\"]]}";
        Dataset d = DatasetLoader.load(Texts.write(dir.resolve("t.json"), json), LoadOptions.defaults().targets("y"));
        assertThat(d.materialise()).extracting(Record::id).containsExactly("1");
        assertThat(d.errors()).extracting(RecordError::row).containsExactly(2, 3);
        assertThat(d.errors().get(1).message()).contains("'high'");
    }

    @Test
    void parallelArraysAsInMegnetBulkModuli() throws IOException {
        String json = "{\"structures\": [" + Texts.pymatgenJson(5.0, NACL, NACL_FRAC) + ", "
                + Texts.pymatgenJson(6.0, NACL, NACL_FRAC) + "], \"bulk_moduli\": [25.0, 30.5]}";
        Dataset d = DatasetLoader.load(Texts.write(dir.resolve("bulk_moduli.json"), json));
        assertThat(d.targetNames()).containsExactly("bulk_moduli");
        List<Record> r = d.materialise();
        assertThat(r).extracting(Record::id).containsExactly("1", "2");
        assertThat(r).extracting(x -> x.target("bulk_moduli")).containsExactly(25.0, 30.5);
        assertThat(r.get(1).structure().volume()).isCloseTo(216.0, within(1e-9));

        String unequal = "{\"structures\": [" + Texts.pymatgenJson(5.0, NACL, NACL_FRAC) + "], \"k\": [1, 2]}";
        assertThatThrownBy(() -> DatasetLoader.load(Texts.write(dir.resolve("u.json"), unequal)))
                .isInstanceOf(DatasetException.class).hasMessageContaining("'k' has 2 entries");
    }

    @Test
    void invalidJsonIsAFileError() throws IOException {
        Path f = Texts.write(dir.resolve("broken.json"), "{\"columns\": [\"structure\"],\n \"data\": [[}\n");
        assertThatThrownBy(() -> DatasetLoader.load(f)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("broken.json:2");
    }
}
