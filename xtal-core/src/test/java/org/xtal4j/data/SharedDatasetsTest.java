package org.xtal4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.testing.SharedData;

/** The loaders on the real data sets in ../shared/data, read in place. */
@Tag("shared")
class SharedDatasetsTest {

    @TempDir
    Path tmp;

    @Test
    void perov5ValidationSplit() {
        Dataset d = DatasetLoader.load(SharedData.resolve("data/perov_5/val.csv.xz"));
        assertThat(d.targetNames()).contains("heat_ref", "heat_all", "dir_gap", "ind_gap");
        assertThat(d.extraNames()).contains("formula").doesNotContain("cif", "cif.conv");
        List<Record> all = d.materialise();
        assertThat(d.errors()).isEmpty();
        assertThat(all).hasSize(3787);
        assertThat(all).allSatisfy(r -> {
            assertThat(r.structure().size()).isEqualTo(5);
            assertThat(r.hasTarget("heat_ref")).isTrue();
        });
        // material_id is the id column; heat_ref spans the documented range −0.35 … 4.56
        assertThat(all.get(0).id()).isEqualTo("18517");
        assertThat(all.get(0).target("heat_ref")).isEqualTo(2.709152583232041);
        assertThat(all.stream().mapToDouble(r -> r.target("heat_ref")).min().orElseThrow()).isBetween(-0.4, 0.0);
        assertThat(all.stream().mapToDouble(r -> r.target("heat_ref")).max().orElseThrow()).isBetween(4.0, 4.6);
    }

    /** The full 34,499-structure pool, parsed once: error report, volumes, MEGNet split counts. */
    @Test
    void mpCgcnnFullPool() throws IOException {
        Path file = SharedData.resolve("data/mp_cgcnn_36k/mp_cgcnn_36k_pool.csv.xz");
        Dataset d = DatasetLoader.load(file, LoadOptions.defaults().targets("formation_energy_per_atom", "band_gap",
                "efermi", "volume", "total_magnetization", "megnet_e_form", "megnet_gap_pbe"));
        assertThat(d.extraNames()).containsExactly("idx", "material_id", "megnet_split");

        int ok = 0;
        int badVolume = 0;
        double worst = 0;
        long t0 = System.nanoTime();
        for (Record r : d) {
            ok++;
            double v = r.structure().volume();
            double rel = Math.abs(v - r.target("volume")) / r.target("volume");
            worst = Math.max(worst, rel);
            if (!(rel < 1e-3)) {
                badVolume++;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<RecordError> errors = d.errors();
        Path report = Path.of("target", "mp_cgcnn_36k_errors.csv");
        d.writeErrors(report);
        System.out.printf("mp_cgcnn_36k: %d parsed, %d failed (listed in %s) in %.1f s on %d threads = %.0f structures/s;"
                + " worst volume rel. err %.2e%n", ok, errors.size(), report.toAbsolutePath(), seconds, d.parallelism(),
                (ok + errors.size()) / seconds, worst);
        errors.stream().limit(20).forEach(e -> System.out.println("  " + e));

        assertThat(ok + errors.size()).isEqualTo(34_499);
        assertThat(Files.readAllLines(report)).hasSize(errors.size() + 1);
        assertThat(errors).as("rows that did not parse").isEmpty();
        assertThat(badVolume).as("parsed cell volume vs the volume column").isZero();

        SplitAssignment megnet = Split.byColumn("megnet_split").assign(d);
        assertThat(megnet.counts()).containsExactly(Map.entry("train", 31_623), Map.entry("val", 2_615),
                Map.entry("none", 261));
        // the MEGNet labels are filled exactly for the rows with a split value
        assertThat(d.targetCounts()).containsEntry("megnet_e_form", 34_238).containsEntry("megnet_gap_pbe", 34_238)
                .containsEntry("efermi", 34_497);
    }

    @Test
    void alignnSampleIdPropFolder() throws IOException {
        // the 70 POSCARs + id_prop.csv are packed as one JSON {file name: text}; unpack to a folder
        JsonNode packed = new ObjectMapper().readTree(SharedData.resolve("data/alignn_sample_data/alignn_sample_data.json")
                .toFile());
        int files = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = packed.fields(); it.hasNext(); files++) {
            Map.Entry<String, JsonNode> e = it.next();
            Files.writeString(tmp.resolve(e.getKey()), e.getValue().textValue());
        }
        assertThat(files).isEqualTo(71);
        Dataset d = DatasetLoader.load(tmp, LoadOptions.defaults().targets("optb88vdw_bandgap"));
        List<Record> all = d.materialise();
        assertThat(d.errors()).isEmpty();
        assertThat(all).hasSize(50);
        assertThat(all).allSatisfy(r -> assertThat(r.id()).startsWith("POSCAR-JVASP-").endsWith(".vasp"));
        assertThat(all.stream().filter(r -> r.target("optb88vdw_bandgap") == 0.0).count()).isEqualTo(28);
        Record jvasp10 = all.stream().filter(r -> r.id().equals("POSCAR-JVASP-10.vasp")).findFirst().orElseThrow();
        assertThat(jvasp10.structure().size()).isEqualTo(3);
    }

    @Test
    void petMethaneTrainingFrames() {
        Dataset d = DatasetLoader.load(SharedData.resolve("data/pet_methane_example/methane_train.xyz.xz"));
        assertThat(d.targetNames()).containsExactly("energy");
        List<Record> all = d.materialise();
        assertThat(d.errors()).isEmpty();
        assertThat(all).hasSize(800);
        assertThat(all.get(0).target("energy")).isEqualTo(-1087.9375228369197);
        assertThat(all).allSatisfy(r -> {
            assertThat(r.hasTarget("energy")).isTrue();
            assertThat(r.structure().size()).isEqualTo(5);
            assertThat(r.structure().siteProperties().get("forces")).hasDimensions(5, 3);
        });
        assertThat(all.get(0).structure().siteProperties().get("forces")[0])
                .containsExactly(4.46550631, -1.08292805, -2.22026736);
    }

    @Test
    void mpElasticWithASeededSplit() {
        Dataset d = DatasetLoader.load(SharedData.resolve("data/mp_elastic_3k/mp_elastic_3k.csv.xz"),
                LoadOptions.defaults().targets("K_VRH", "G_VRH"));
        List<Record> all = d.materialise();
        assertThat(d.errors()).isEmpty();
        assertThat(all).hasSize(3191);
        assertThat(all).allSatisfy(r -> {
            assertThat(r.target("K_VRH")).isBetween(4.0, 401.0);
            assertThat(r.target("G_VRH")).isBetween(2.0, 383.0);
            assertThat(r.id()).startsWith("mp-");
        });
        SplitAssignment a = Split.random(20240501L, 0.8, 0.1, 0.1).assign(d);
        assertThat(a.counts()).containsExactly(Map.entry("train", 2553), Map.entry("val", 319), Map.entry("test", 319));
        assertThat(Split.random(20240501L, 0.8, 0.1, 0.1).assign(d.parallelism(1)).ids("test")).isEqualTo(a.ids("test"));
        List<Record> test = a.part("test").materialise();
        assertThat(test).extracting(Record::id).isEqualTo(a.ids("test"));
    }

    @Test
    void megnetBulkModuliArrays() {
        Dataset d = DatasetLoader.load(SharedData.resolve("data/megnet_examples/bulk_moduli.json.xz"));
        assertThat(d.targetNames()).containsExactly("bulk_moduli");
        List<Record> all = d.materialise();
        assertThat(d.errors()).isEmpty();
        assertThat(all).hasSize(100);
        assertThat(all.get(0).structure().sites()).isNotEmpty();
        List<Double> k = new ArrayList<>();
        all.forEach(r -> k.add(r.target("bulk_moduli")));
        assertThat(k).allSatisfy(v -> assertThat(v).isPositive());
    }

    @Test
    void idsWithoutParsing() {
        Dataset d = DatasetLoader.load(SharedData.resolve("data/carbon_24/val.csv.xz"));
        try (Stream<RecordInfo> s = d.infos()) {
            assertThat(s.count()).isEqualTo(2032);
        }
        assertThat(d.targetNames()).contains("energy_per_atom");
    }
}
