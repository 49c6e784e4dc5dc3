package org.xtal4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pretrained model shipped in models/ answers the README's main command for the example crystals, and its
 * answers have the right physics at the coarsest level: ionic solids are strongly bound and wide-gap, elemental
 * metals have no formation energy and no gap.
 */
class PretrainedModelTest {

    @TempDir
    Path dir;

    @Test
    void theReadmeCommandPredictsEveryExampleWithPlausibleValues() throws IOException {
        Path models = PretrainedModels.folder().orElseThrow();
        assertThat(PretrainedModels.find()).isNotEmpty();
        Path examples = models.getParent().resolve("examples").resolve("structures");
        Path out = dir.resolve("pred.csv");
        Cli.Result r = Cli.run("predict", examples.toString(), "-o", out.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        Map<String, CSVRecord> byId = new HashMap<>();
        try (CSVParser p = CSVParser.parse(out, StandardCharsets.UTF_8,
                CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build())) {
            for (CSVRecord rec : p) {
                byId.put(rec.get("id"), rec);
            }
        }
        assertThat(byId).hasSize(9);
        // eV/atom; the labels in mp_cgcnn_36k are -2.10 (NaCl, mp-22862) and -3.48 (TiO2 rutile, mp-2657)
        for (String ionic : List.of("NaCl-rocksalt.cif", "CsCl.cif", "TiO2-rutile.cif", "SrTiO3-perovskite.cif")) {
            assertThat(value(byId, ionic, "megnet_e_form")).as(ionic).isLessThan(-1.0);
        }
        for (String element : List.of("Si-diamond.cif", "Fe-bcc.vasp", "Cu-fcc-2frames.extxyz#1")) {
            assertThat(value(byId, element, "megnet_e_form")).as(element).isBetween(-0.5, 0.5);
        }
        // eV; PBE gaps in mp_cgcnn_36k: NaCl 5.00, Cu 0
        assertThat(value(byId, "NaCl-rocksalt.cif", "megnet_gap_pbe")).isGreaterThan(2.0);
        assertThat(value(byId, "Fe-bcc.vasp", "megnet_gap_pbe")).isLessThan(1.0);
        assertThat(value(byId, "Cu-fcc-2frames.extxyz#1", "megnet_gap_pbe")).isLessThan(1.0);
        assertThat(Files.readString(out)).doesNotContain("NaN");

        // without -o: a table for the terminal, the same predictions at 4 decimals
        Cli.Result table = Cli.run("predict", examples.toString());
        assertThat(table.status()).as(table.toString()).isZero();
        String nacl = table.out().lines().filter(l -> l.startsWith("NaCl-rocksalt.cif")).findFirst().orElseThrow();
        String[] cells = nacl.trim().split("\\s+");
        assertThat(cells).hasSize(3);
        assertThat(cells[1])
                .isEqualTo(String.format(Locale.ROOT, "%.4f", value(byId, "NaCl-rocksalt.cif", "megnet_e_form")));
        assertThat(cells[2])
                .isEqualTo(String.format(Locale.ROOT, "%.4f", value(byId, "NaCl-rocksalt.cif", "megnet_gap_pbe")));
    }

    private static double value(Map<String, CSVRecord> byId, String id, String column) {
        assertThat(byId).containsKey(id);
        return Double.parseDouble(byId.get(id).get(column));
    }
}
