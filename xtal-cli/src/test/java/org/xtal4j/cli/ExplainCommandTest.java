package org.xtal4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.models.sitenet.SiteNetConfig;
import org.xtal4j.models.sitenet.SiteNetPlugin;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.io.NamedTensors;
import org.xtal4j.nn.model.ModelFile;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Provenance;
import org.xtal4j.nn.model.Weights;

/** {@code xtal explain} in-process with a tiny randomly initialised Site-Net model. */
class ExplainCommandTest {

    @TempDir
    static Path dir;

    static Path model;
    static Path structures;

    private static String poscar(String title, double a, String species, String counts, String... frac) {
        return title + "\n1.0\n" + a + " 0 0\n0 " + a + " 0\n0 0 " + a + "\n" + species + "\n" + counts + "\nDirect\n"
                + String.join("\n", frac) + "\n";
    }

    @BeforeAll
    static void tinyModelAndStructures() throws Exception {
        SiteNetConfig cfg = SiteNetConfig.builder().maxAtoms(16).embeddingSize(4).siteDimPerHead(3).heads(2)
                .interactionDimPerHead(2).attentionHidden(5).prePool(4).postPool(6).build();
        SiteNetPlugin plugin = new SiteNetPlugin();
        Normalisation norm = Normalisation.identity(List.of("gap"));
        ModelSetup setup = new ModelSetup(cfg, norm, List.of(), Precision.FLOAT32);
        try (NDManager m = Backend.get().newManager()) {
            Backend.get().seed(5);
            Block block = plugin.newBlock(setup);
            plugin.initialize(block, m, setup);
            NamedTensors w = Weights.save(plugin.namedParameters(block), Map.of());
            model = dir.resolve("tiny-sitenet.xtal");
            new ModelFile("sitenet", cfg.toJson(), w, norm, List.of(), Provenance.now()).write(model);
        }
        structures = Files.createDirectories(dir.resolve("structures"));
        Files.writeString(structures.resolve("cscl.vasp"), poscar("CsCl", 4.12, "Cs Cl", "1 1", "0 0 0", "0.5 0.5 0.5"));
        Files.writeString(structures.resolve("po.vasp"), poscar("Po", 3.35, "Po", "1", "0 0 0"));
        Files.writeString(structures.resolve("nacl.vasp"), poscar("NaCl", 5.64, "Na Cl", "4 4", "0 0 0", "0 0.5 0.5",
                "0.5 0 0.5", "0.5 0.5 0", "0.5 0 0", "0 0.5 0", "0 0 0.5", "0.5 0.5 0.5"));
    }

    @Test
    void readsTheFirstRowsOfACsvDataSet() throws Exception {
        Path csv = TinyCrystals.csv(dir.resolve("tiny.csv"), 6, 2);
        Path out = dir.resolve("csv-out");
        Cli.Result r = Cli.run("explain", "--model", model.toString(), csv.toString(), "--structure-column", "cif",
                "--limit", "4", "--no-plots", "--out", out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).contains("explained 4 of 4 structures");
        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        assertThat(summary).hasSize(5);
        assertThat(summary.get(1)).startsWith("s0,");
        assertThat(summary.get(4)).startsWith("s3,");
        assertThat(Files.exists(out.resolve("attention").resolve("s3.csv"))).isTrue();
    }

    @Test
    void writesAttentionTablesSummaryAndPlots() throws Exception {
        Path out = dir.resolve("out");
        Cli.Result r = Cli.run("explain", "--model", model.toString(), structures.toString(), "--out", out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).contains("explained 3 of 3 structures");
        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        assertThat(summary.get(0)).isEqualTo("id,file,n_sites_p1,n_sites_supercell,volume_p1,long_range_coefficient,"
                + "long_range_block1,prediction_gap,error");
        assertThat(summary).hasSize(4);
        // folders are read in path order: cscl, nacl, po
        String[] nacl = summary.get(2).split(",", -1);
        assertThat(nacl[0]).isEqualTo("nacl");
        assertThat(Integer.parseInt(nacl[2])).isEqualTo(2); // P1 cell of rock salt
        assertThat(Double.parseDouble(nacl[4])).isCloseTo(5.64 * 5.64 * 5.64 / 4, within(1e-6));
        assertThat(nacl[8]).isEmpty();
        for (String row : summary.subList(1, 4)) {
            String[] f = row.split(",", -1);
            int n = Integer.parseInt(f[2]);
            int big = Integer.parseInt(f[3]);
            double lr = Double.parseDouble(f[5]);
            assertThat(big).isLessThanOrEqualTo(16).isGreaterThanOrEqualTo(n);
            // the coefficient recomputed from the attention table: Σ_h max d·a over block 1 (the second)
            List<String> table = Files.readAllLines(out.resolve("attention").resolve(f[0] + ".csv"));
            assertThat(table.get(0)).isEqualTo("structure,block,head,i,j,distance,weight");
            assertThat(table).hasSize(1 + 2 * 2 * n * big);
            double[] max = new double[2];
            double[] rowSums = new double[2 * 2 * n];
            for (String line : table.subList(1, table.size())) {
                String[] c = line.split(",");
                int b = Integer.parseInt(c[1]);
                int h = Integer.parseInt(c[2]);
                int i = Integer.parseInt(c[3]);
                double d = Double.parseDouble(c[5]);
                double a = Double.parseDouble(c[6]);
                rowSums[(b * 2 + h) * n + i] += a;
                if (b == 1) {
                    max[h] = Math.max(max[h], d * a);
                }
            }
            assertThat(lr).isCloseTo(max[0] + max[1], within(1e-6));
            for (double s : rowSums) {
                assertThat(s).isCloseTo(1, within(1e-5));
            }
        }
        for (String png : List.of("attention_block0_head0.png", "attention_block1_head1.png",
                "long_range_vs_volume.png")) {
            assertThat(Files.size(out.resolve("plots").resolve(png))).isGreaterThan(1000);
        }
    }

    @Test
    void unfeaturisableStructureGetsAnErrorRow() throws Exception {
        Path he = dir.resolve("he.vasp");
        Files.writeString(he, poscar("He", 3.0, "He", "1", "0 0 0"));
        Path out = dir.resolve("out-he");
        Cli.Result r = Cli.run("explain", "-m", model.toString(), "--no-plots", "-o", out.toString(),
                structures.resolve("po.vasp").toString(), he.toString());
        assertThat(r.status()).as(r.toString()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(r.err()).contains("he.vasp").contains("He");
        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        assertThat(summary).hasSize(3);
        String[] po = summary.get(1).split(",", -1);
        String[] heRow = summary.get(2).split(",", 9);
        assertThat(po[0]).isEqualTo("po");
        assertThat(po[8]).isEmpty();
        assertThat(heRow[0]).isEqualTo("he");
        assertThat(heRow[2]).isEmpty();
        assertThat(heRow[8]).contains("He");
        assertThat(out.resolve("plots")).doesNotExist();
    }

    @Test
    void aModelWithoutAttentionCannotExplain() throws Exception {
        Path cf = dir.resolve("cf.xtal");
        new ModelFile("crystalformer", new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode(),
                new NamedTensors(Map.of()), Normalisation.identity(List.of("y")), List.of(), Provenance.now()).write(cf);
        Cli.Result r = Cli.run("explain", "--model", cf.toString(), structures.toString(), "--out",
                dir.resolve("out-cf").toString());
        assertThat(r.status()).as(r.toString()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(r.err()).contains("cf.xtal").contains("cannot explain").contains("sitenet");
    }

    @Test
    void missingOptionsAreUsageErrors() {
        Cli.Result r = Cli.run("explain", structures.toString());
        assertThat(r.status()).isEqualTo(Xtal.USAGE);
        assertThat(r.err()).contains("--model");
    }
}
