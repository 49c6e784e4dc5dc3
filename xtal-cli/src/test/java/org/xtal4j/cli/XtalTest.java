package org.xtal4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The top-level command: version, help, usage errors. */
class XtalTest {

    @Test
    void versionComesFromTheBuild() {
        Cli.Result r = Cli.run("--version");
        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("xtal ").doesNotContain("unknown", "${");
    }

    @Test
    void helpListsTheCommands() {
        Cli.Result r = Cli.run("--help");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("info", "convert", "Usage: xtal");
        assertThat(Cli.run("info", "--help").out()).contains("--json", "--tolerance");
        assertThat(Cli.run("convert", "--help").out()).contains("--primitive", "--niggli", "--supercell", "--to");
    }

    @Test
    void aNonPositiveToleranceIsAUsageErrorOfInfoAndConvert() {
        for (String tol : new String[] {"0", "-1", "NaN"}) {
            Cli.Result info = Cli.run("info", "--tolerance", tol, Cli.example("Si-diamond.cif"));
            assertThat(info.status()).as("info --tolerance " + tol).isEqualTo(Xtal.USAGE);
            assertThat(info.err()).contains("--tolerance must be a positive number");
            Cli.Result convert = Cli.run("convert", "--primitive", "--tolerance", tol, Cli.example("Si-diamond.cif"), "unused.cif");
            assertThat(convert.status()).as("convert --tolerance " + tol).isEqualTo(Xtal.USAGE);
            assertThat(convert.err()).contains("--tolerance must be a positive number");
        }
    }

    @Test
    void noCommandIsAUsageError() {
        Cli.Result r = Cli.run();
        assertThat(r.status()).isEqualTo(Xtal.USAGE);
        assertThat(r.err()).startsWith("xtal: ");
    }

    @Test
    void debugPrintsTheStackTrace() {
        Cli.Result quiet = Cli.run("info", "missing.cif");
        Cli.Result debug = Cli.run("info", "--debug", "missing.cif");
        assertThat(quiet.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(debug.status()).isEqualTo(Xtal.INPUT_FAILED);
        assertThat(quiet.err()).doesNotContain("\tat ");
        assertThat(debug.err()).contains("\tat ");
    }
}
