package org.xtal4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xtal4j.structure.Structure;
import org.xtal4j.testing.SharedData;

/** Real data sets in ../shared/data, read in place. */
@Tag("shared")
class RealDataSmokeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void metatrainCarbonIsPeriodicWithSingularForceColumn() throws IOException {
        Path f = SharedData.resolve("data/metatrain_small/carbon_reduced_100.xyz");
        List<Structure> frames = StructureIO.read(f);
        assertThat(frames).hasSize(100);
        assertThat(frames.get(0).lattice().a()).isCloseTo(2.321189, within(1e-12));
        assertThat(frames.get(0).properties().get("energy")).isEqualTo(-632.106478);
        assertThat(frames.get(0).properties().get("cut_off_energy")).isEqualTo("650 eV");
        assertThat((double[]) frames.get(0).properties().get("virial")).hasSize(9);
        for (Structure s : frames) {
            assertThat(s.isFullyPeriodic()).isTrue();
            assertThat(s.properties().get("energy")).isInstanceOf(Double.class);
            assertThat(s.properties().get("config_type")).isInstanceOf(String.class);
            assertThat(s.siteProperties().get("forces")).hasNumberOfRows(s.size());
            // the file's own frac_pos column is an independent check of Cartesian → fractional
            double[][] fracPos = s.siteProperties().get("frac_pos");
            for (int i = 0; i < s.size(); i++) {
                for (int k = 0; k < 3; k++) {
                    double d = s.site(i).frac(k) - fracPos[i][k];
                    assertThat(d - Math.rint(d)).isCloseTo(0.0, within(1e-5));
                }
            }
        }
    }

    @Test
    void metatrainMoleculesAreNonPeriodic() throws IOException {
        List<Structure> qm9 = StructureIO.read(SharedData.resolve("data/metatrain_small/qm9_reduced_100.xyz"));
        assertThat(qm9).hasSize(100);
        assertThat(qm9.get(0).composition().amounts()).hasSize(2);
        assertThat(qm9.get(0).size()).isEqualTo(5);
        assertThat(qm9.get(0).properties().get("U0")).isEqualTo(-40.47893);
        assertThat(qm9.get(0).cartesian(0)).containsExactly(-0.01269814, 1.08580416, 0.00800100);
        for (Structure s : qm9) {
            assertThat(s.pbc()).containsExactly(false, false, false);
            assertThat(s.properties()).containsKeys("U0", "mu", "<R2>");
        }
        List<Structure> ethanol = StructureIO.read(SharedData.resolve("data/metatrain_small/ethanol_reduced_100.xyz"));
        assertThat(ethanol).hasSize(100).allSatisfy(s -> {
            assertThat(s.size()).isEqualTo(9);
            assertThat(s.siteProperties().get("forces")).hasNumberOfRows(9);
            assertThat(s.properties().get("energy")).isInstanceOf(Double.class);
        });
    }

    @Test
    void petMethaneXzFrames() throws IOException {
        Path dir = SharedData.resolve("data/pet_methane_example");
        Map<String, Integer> sizes = Map.of("methane_train.xyz.xz", 800, "methane_val.xyz.xz", 100, "methane_test.xyz.xz", 100);
        for (Map.Entry<String, Integer> e : sizes.entrySet()) {
            List<Structure> frames = StructureIO.read(dir.resolve(e.getKey()));
            assertThat(frames).as(e.getKey()).hasSize(e.getValue());
            for (Structure s : frames) {
                assertThat(s.size()).isEqualTo(5);
                assertThat(s.pbc()).containsExactly(false, false, false);
                assertThat(s.properties().get("energy")).isInstanceOf(Double.class);
                assertThat(s.siteProperties().get("forces")).hasNumberOfRows(5);
            }
        }
        Structure first = StructureIO.read(dir.resolve("methane_train.xyz.xz")).get(0);
        assertThat(first.properties().get("energy")).isEqualTo(-1087.9375228369197);
        assertThat(first.siteProperties().get("forces")[0]).containsExactly(4.46550631, -1.08292805, -2.22026736);
    }

    @Test
    void megnetBulkModuliPymatgenDicts() throws IOException {
        Path f = SharedData.resolve("data/megnet_examples/bulk_moduli.json.xz");
        JsonNode root = JSON.readTree(StructureIO.readText(f));
        JsonNode dicts = root.get("structures");
        assertThat(dicts.size()).isEqualTo(100);
        StructureFormat json = StructureIO.format("json");
        for (int i = 0; i < dicts.size(); i++) {
            JsonNode d = dicts.get(i);
            Structure s = StructureIO.parse(JSON.writeValueAsString(d), "bulk_moduli[" + i + "]", json, null).get(0);
            assertThat(s.size()).isEqualTo(d.get("sites").size());
            assertThat(s.volume()).isCloseTo(d.get("lattice").get("volume").asDouble(), within(1e-6 * s.volume()));
            assertThat(s.lattice().b()).isCloseTo(d.get("lattice").get("b").asDouble(), within(1e-9));
            for (int j = 0; j < s.size(); j++) {
                JsonNode site = d.get("sites").get(j);
                assertThat(s.site(j).speciesString()).isEqualTo(site.get("species").get(0).get("element").asText());
                // Cartesian from our fractional coordinates matches pymatgen's xyz
                double[] xyz = s.cartesian(j);
                for (int k = 0; k < 3; k++) {
                    assertThat(xyz[k]).isCloseTo(site.get("xyz").get(k).asDouble(), within(1e-8));
                }
            }
        }
        // the whole file through the {structures: [...]} wrapper
        assertThat(StructureIO.read(f, w -> { })).hasSize(100);
    }

    @Test
    void alignnPoscarsAllParse() throws IOException {
        Path f = SharedData.resolve("data/alignn_sample_data/alignn_sample_data.json");
        JsonNode root = JSON.readTree(f.toFile());
        StructureFormat poscar = StructureIO.format("poscar");
        int n = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().endsWith(".vasp")) {
                continue; // the packed folder also holds id_prop.csv
            }
            n++;
            String text = e.getValue().asText();
            Structure s = StructureIO.parse(text, e.getKey(), poscar, null).get(0);
            // counts on line 7 (VASP 5 layout), summed independently
            int expected = 0;
            for (String c : text.split("\n")[6].trim().split("\\s+")) {
                expected += Integer.parseInt(c);
            }
            assertThat(s.size()).as(e.getKey()).isEqualTo(expected);
            assertThat(s.volume()).isPositive();
            assertThat(StructureIO.detect(e.getKey(), text).name()).isEqualTo("poscar");
        }
        assertThat(n).isEqualTo(70);
    }
}
