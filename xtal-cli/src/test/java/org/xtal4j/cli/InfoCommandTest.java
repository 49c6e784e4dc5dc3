package org.xtal4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code xtal info} on the hand-written examples. Expected values are textbook crystallography
 * (atoms per conventional and primitive cell, lattice parameters the files were written with).
 */
class InfoCommandTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // file, reduced formula, sites, primitive sites, a, c, gamma
        "Si-diamond.cif,        Si,     8, 2, 5.431,  5.431,  90",
        "NaCl-rocksalt.cif,     NaCl,   8, 2, 5.640,  5.640,  90",
        "CsCl.cif,              CsCl,   2, 2, 4.123,  4.123,  90",
        "TiO2-rutile.cif,       TiO2,   6, 6, 4.594,  2.959,  90",
        "ZnO-wurtzite.cif,      ZnO,    4, 4, 3.2495, 5.2069, 120",
        "SrTiO3-perovskite.cif, SrTiO3, 5, 5, 3.905,  3.905,  90",
        "Fe-bcc.vasp,           Fe,     2, 1, 2.8665, 2.8665, 90",
    })
    void jsonFieldsOfEachExample(String file, String formula, int sites, int primitive, double a, double c,
            double gamma) {
        Cli.Result r = Cli.run("info", "--json", Cli.example(file));
        assertThat(r.status()).as(r.toString()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("file").asText()).endsWith(file);
        assertThat(j.get("index").asInt()).isZero();
        assertThat(j.get("formula").asText()).isEqualTo(formula);
        assertThat(j.get("n_sites").asInt()).isEqualTo(sites);
        assertThat(j.get("primitive_n_sites").asInt()).isEqualTo(primitive);
        assertThat(j.get("a").asDouble()).isCloseTo(a, within(1e-9));
        assertThat(j.get("b").asDouble()).isCloseTo(a, within(1e-9));
        assertThat(j.get("c").asDouble()).isCloseTo(c, within(1e-9));
        assertThat(j.get("alpha").asDouble()).isCloseTo(90, within(1e-9));
        assertThat(j.get("beta").asDouble()).isCloseTo(90, within(1e-9));
        assertThat(j.get("gamma").asDouble()).isCloseTo(gamma, within(1e-9));
        double volume = a * a * c * Math.sin(Math.toRadians(gamma));
        assertThat(j.get("volume").asDouble()).isCloseTo(volume, within(1e-6 * volume));
        assertThat(j.get("ordered").asBoolean()).isTrue();
        assertThat(j.get("density").asDouble()).isPositive();
        assertThat(j.get("warnings").isArray()).isTrue();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void densitiesMatchTextbookValues() {
        // handbook densities: Si 2.329 g/cm³, NaCl 2.165 g/cm³ (room temperature)
        assertThat(Cli.run("info", "--json", Cli.example("Si-diamond.cif")).json().get("density").asDouble())
                .isCloseTo(2.329, within(0.005));
        assertThat(Cli.run("info", "--json", Cli.example("NaCl-rocksalt.cif")).json().get("density").asDouble())
                .isCloseTo(2.165, within(0.01));
    }

    @Test
    void multiFrameFileGivesOneObjectPerFrame() {
        Cli.Result r = Cli.run("info", "--json", Cli.example("Cu-fcc-2frames.extxyz"));
        assertThat(r.status()).as(r.toString()).isZero();
        List<JsonNode> frames = r.jsonLines();
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0).get("index").asInt()).isZero();
        assertThat(frames.get(1).get("index").asInt()).isEqualTo(1);
        assertThat(frames).allSatisfy(f -> {
            assertThat(f.get("formula").asText()).isEqualTo("Cu");
            assertThat(f.get("n_sites").asInt()).isEqualTo(4);
        });
        // fcc conventional -> 1 atom; frame 1's displacement (0.05 Å) is within the 0.25 Å tolerance
        assertThat(frames.get(0).get("primitive_n_sites").asInt()).isEqualTo(1);
        assertThat(frames.get(1).get("primitive_n_sites").asInt()).isEqualTo(1);
    }

    @Test
    void tightToleranceSeesTheDisplacedAtom() {
        Cli.Result r = Cli.run("info", "--json", "--tolerance", "0.01", Cli.example("Cu-fcc-2frames.extxyz"));
        assertThat(r.status()).as(r.toString()).isZero();
        List<JsonNode> frames = r.jsonLines();
        assertThat(frames.get(0).get("primitive_n_sites").asInt()).isEqualTo(1);
        assertThat(frames.get(1).get("primitive_n_sites").asInt()).isEqualTo(4);
        assertThat(frames.get(1).get("primitive_tolerance").asDouble()).isEqualTo(0.01);
    }

    @Test
    void folderIsSearchedForStructureFiles() {
        Cli.Result r = Cli.run("info", "--json", Cli.examples().toString());
        assertThat(r.status()).as(r.toString()).isZero();
        List<JsonNode> all = r.jsonLines();
        // 7 single-structure files + 2 extxyz frames; README.md is not a structure file
        assertThat(all).hasSize(9);
        assertThat(all).noneMatch(j -> j.has("error"));
        assertThat(all).noneMatch(j -> j.get("file").asText().endsWith("README.md"));
    }

    @Test
    void folderSearchSkipsJsonThatIsNotAStructure(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("metadata.json"), "{\"model\": \"x\", \"epochs\": 3}");
        // mentions lattice and sites, but is a results file, not a structure
        Files.writeString(dir.resolve("results.json"),
                "{\"generated_by\": \"x\", \"records\": [{\"lattice\": {}, \"sites\": []}]}");
        Path sub = Files.createDirectories(dir.resolve("sub"));
        Cli.Result c = Cli.run("convert", Cli.example("CsCl.cif"), sub.resolve("cscl.json").toString());
        assertThat(c.status()).as(c.toString()).isZero();
        Cli.Result r = Cli.run("info", "--json", dir.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.json().get("file").asText()).endsWith("cscl.json");
        assertThat(r.json().get("n_sites").asInt()).isEqualTo(2);
        // named explicitly, the same file is read and fails
        assertThat(Cli.run("info", dir.resolve("metadata.json").toString()).status()).isEqualTo(Xtal.INPUT_FAILED);
    }

    @Test
    void textTableHasOneRowPerStructure() {
        Cli.Result r = Cli.run("info", Cli.example("Si-diamond.cif"), Cli.example("Cu-fcc-2frames.extxyz"));
        assertThat(r.status()).as(r.toString()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines).hasSize(4);
        assertThat(lines[0]).startsWith("file").contains("formula", "sites", "prim", "volume", "density", "ordered");
        assertThat(lines[1]).contains("Si-diamond.cif", " Si ", "5.4310", "90.000", "yes")
                .matches(".*\\s8\\s+2\\s.*");
        assertThat(lines[2]).contains("Cu-fcc-2frames.extxyz#0");
        assertThat(lines[3]).contains("Cu-fcc-2frames.extxyz#1");
    }

    @Test
    void unreadableFileGivesErrorObjectAndExitOne(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.cif");
        Files.writeString(bad, "data_bad\n_cell_length_a five\n");
        Cli.Result r = Cli.run("info", "--json", bad.toString(), Cli.example("CsCl.cif"));
        assertThat(r.status()).as(r.toString()).isEqualTo(Xtal.INPUT_FAILED);
        List<JsonNode> lines = r.jsonLines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("file").asText()).isEqualTo(bad.toString());
        assertThat(lines.get(0).get("error").asText()).startsWith(bad.toString()).hasSizeGreaterThan(bad.toString().length() + 3);
        assertThat(lines.get(1).get("n_sites").asInt()).isEqualTo(2); // the good file is still reported
        assertThat(r.err()).startsWith("xtal: " + bad).doesNotContain("Exception", "\tat ");
    }

    @Test
    void missingFileIsReportedWithoutStackTrace() {
        Cli.Result r = Cli.run("info", "no/such/file.cif");
        assertThat(r.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(r.err()).contains("xtal: no/such/file.cif: ").contains("no such file").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void folderWithoutStructuresFails(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "nothing here");
        Cli.Result r = Cli.run("info", "--json", dir.toString());
        assertThat(r.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(r.json().get("error").asText()).contains("no structure files");
    }

    @Test
    void toleranceOptionIsUsed() {
        Cli.Result r = Cli.run("info", "--json", "--tolerance", "0.1", Cli.example("Si-diamond.cif"));
        assertThat(r.status()).isZero();
        assertThat(r.json().get("primitive_tolerance").asDouble()).isEqualTo(0.1);
        assertThat(r.json().get("primitive_n_sites").asInt()).isEqualTo(2);
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(Cli.run("info").status()).isEqualTo(Xtal.USAGE);
        assertThat(Cli.run("info", "--no-such-option", Cli.example("CsCl.cif")).status()).isEqualTo(Xtal.USAGE);
        assertThat(Cli.run("info", "--tolerance", "-1", Cli.example("CsCl.cif")).status()).isEqualTo(Xtal.USAGE);
        assertThat(Cli.run("info", "--tolerance", "abc", Cli.example("CsCl.cif")).status()).isEqualTo(Xtal.USAGE);
        Cli.Result r = Cli.run("frobnicate");
        assertThat(r.status()).isEqualTo(Xtal.USAGE);
        assertThat(r.err()).startsWith("xtal: ").contains("frobnicate").doesNotContain("\tat ");
    }
}
