package org.xtal4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.io.StructureIO;
import org.xtal4j.models.sitenet.SiteNetConfig;
import org.xtal4j.nn.io.Safetensors;
import org.xtal4j.nn.model.ModelFile;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Provenance;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;
import org.xtal4j.testing.SharedData;

/**
 * {@code xtal explain} end to end with the reference weights ({@code sitenet-parity}) on the fixture
 * crystals' P1 cells at N_max = 100: predictions and eqn (8) long-range coefficients against the
 * reference's {@code main} batch. Left out: {@code lamno3} (its CIF declares oxidation states, which
 * structures here do not carry) and {@code pyrope} (a half-integer tie in M rounds the other way).
 */
@Tag("shared")
class ExplainCommandParityTest {

    private static final Path DIR = SharedData.resolve("testdata/sitenet-parity");
    private static final Set<String> SKIP = Set.of("lamno3", "pyrope");

    @Test
    void predictionsAndLongRangeCoefficientsAreTheReferences(@TempDir Path tmp) throws Exception {
        ObjectMapper om = new ObjectMapper();
        JsonNode pipeline = om.readTree(DIR.resolve("pipeline.json").toFile());
        JsonNode main = om.readTree(DIR.resolve("model_cases.json").toFile()).get("batches").get("main");
        Path in = Files.createDirectories(tmp.resolve("in"));
        for (JsonNode c : pipeline.get("crystals")) {
            String id = c.get("id").asText();
            if (SKIP.contains(id)) {
                continue;
            }
            JsonNode prim = c.get("primitive");
            Structure.Builder b = Structure.builder().lattice(Lattice.fromMatrix(matrix(prim.get("lattice"))));
            double[][] f = matrix(prim.get("frac_coords"));
            for (int i = 0; i < f.length; i++) {
                b.addSite(Site.of(Element.of(prim.get("Z").get(i).asInt()), f[i]));
            }
            StructureIO.write(in.resolve(id + ".json"), List.of(b.build()));
        }
        Path model = tmp.resolve("reference.xtal");
        new ModelFile("sitenet", SiteNetConfig.builder().maxAtoms(100).build().toJson(),
                Safetensors.read(DIR.resolve("model_weights.safetensors")), Normalisation.identity(List.of("gap")),
                List.of(), Provenance.now()).write(model);
        Path out = tmp.resolve("out");
        Cli.Result r = Cli.run("explain", "--model", model.toString(), "--precision", "float64", "--out",
                out.toString(), in.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        Map<String, String[]> rows = new HashMap<>();
        for (String line : Files.readAllLines(out.resolve("summary.csv")).subList(1, 9)) {
            String[] cols = line.split(",", -1);
            rows.put(cols[0], cols);
        }
        double lrWorst = 0;
        double predWorst = 0;
        int checked = 0;
        List<String> ids = om.convertValue(main.get("crystals"), om.getTypeFactory()
                .constructCollectionType(List.class, String.class));
        for (int c = 0; c < ids.size(); c++) {
            if (SKIP.contains(ids.get(c))) {
                continue;
            }
            String[] row = rows.get(ids.get(c));
            assertThat(row).as(ids.get(c)).isNotNull();
            assertThat(Integer.parseInt(row[3])).isEqualTo(main.get("N").get(c).asInt());
            lrWorst = Math.max(lrWorst, Math.abs(Double.parseDouble(row[5])
                    - main.get("f64").get("long_range_eqn8").get(c).asDouble()));
            predWorst = Math.max(predWorst, Math.abs(Double.parseDouble(row[7])
                    - main.get("f64").get("prediction").get(c).asDouble()));
            checked++;
        }
        System.out.printf("xtal explain with the reference weights (8 crystals, N_max 100, float64): worst |diff| "
                + "long-range coefficient %.3g, prediction %.3g%n", lrWorst, predWorst);
        assertThat(checked).isEqualTo(8);
        assertThat(lrWorst).isLessThan(1e-9);
        assertThat(predWorst).isLessThan(1e-9);
        assertThat(out.resolve("plots").resolve("attention_block1_head2.png")).exists();
    }

    private static double[][] matrix(JsonNode a) {
        double[][] m = new double[a.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = new double[a.get(i).size()];
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = a.get(i).get(j).asDouble();
            }
        }
        return m;
    }
}
