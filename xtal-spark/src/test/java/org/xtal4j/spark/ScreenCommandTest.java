package org.xtal4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;

/** {@code xtal screen} end to end in local mode: CSV in, CSV out, exit status, top-k per chemical system. */
class ScreenCommandTest {

    @TempDir
    Path dir;

    /** The rows of every part file of a CSV output folder. */
    static List<CSVRecord> readCsvFolder(Path folder) throws Exception {
        List<CSVRecord> out = new ArrayList<>();
        List<Path> parts;
        try (Stream<Path> s = Files.list(folder)) {
            parts = s.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
        }
        for (Path p : parts) {
            try (Reader r = Files.newBufferedReader(p);
                 CSVParser c = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
                out.addAll(c.getRecords());
            }
        }
        return out;
    }

    @Test
    void screensACsvFileAndKeepsTheBestPerChemicalSystem() throws Exception {
        Backend.initialise(new Backend.Options(Precision.FLOAT32, 1));
        Path model = TestModels.crystalformer(dir, "m.xtal", 3);
        Path input = dir.resolve("candidates.csv");
        try (CSVPrinter p = new CSVPrinter(Files.newBufferedWriter(input), CSVFormat.DEFAULT)) {
            p.printRecord("id", "structure");
            for (Map.Entry<String, String> e : ScreeningTest.ROWS.entrySet()) {
                p.printRecord(e.getKey(), e.getValue() == null ? "" : e.getValue());
            }
        }
        Path out = dir.resolve("out");
        int rc = XtalSpark.run("screen", "--master", "local[2]", "-m", model.toString(), "-i", input.toString(),
                "-o", out.toString(), "--format", "csv", "--batch-size", "4");
        assertThat(rc).as("some rows fail").isEqualTo(1);
        List<CSVRecord> rows = readCsvFolder(out);
        assertThat(rows).hasSize(ScreeningTest.ROWS.size());
        assertThat(rows.get(0).getParser().getHeaderNames()).containsExactly("id", "e_form", "gap", "error");
        for (CSVRecord r : rows) {
            boolean bad = ScreeningTest.BAD.contains(r.get("id"));
            assertThat(r.get("error").isEmpty()).as(r.toString()).isEqualTo(!bad);
            assertThat(r.get("e_form").isEmpty()).isEqualTo(bad);
        }

        Path top = dir.resolve("top");
        rc = XtalSpark.run("screen", "--master", "local[2]", "-m", model.toString(), "-i", input.toString(),
                "-o", top.toString(), "--format", "csv", "--top", "1", "--by", "e_form", "--per", "chemical_system");
        assertThat(rc).isZero();
        List<CSVRecord> best = readCsvFolder(top);
        assertThat(best).extracting(r -> r.get("chemical_system"))
                .containsExactlyInAnyOrder("Cl-Na", "Br-K", "Mg-O", "Cl-Cs");
        assertThat(best).extracting(r -> r.get("id")).containsAnyOf("nacl", "nacl2").doesNotContain("prose");

        // usage errors are exit status 2
        assertThat(XtalSpark.run("screen", "-m", model.toString(), "-i", input.toString(), "-o",
                dir.resolve("x").toString(), "--top", "3")).isEqualTo(2);
        assertThat(XtalSpark.run("screen", "-m", dir.resolve("missing.xtal").toString(), "-i", input.toString(),
                "-o", dir.resolve("y").toString())).isEqualTo(2);
    }
}
