package org.xtal4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The primitive-cell search tolerance shared by info and convert. */
final class ToleranceOption {

    @Option(names = {"-t", "--tolerance"}, paramLabel = "Å", defaultValue = "0.25",
            description = "Site tolerance of the primitive-cell search in Å (default: ${DEFAULT-VALUE}).")
    double value;

    /** The tolerance, or a usage error of {@code cmd} when it is not a positive number. */
    double checked(CommandLine cmd) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new ParameterException(cmd, "--tolerance must be a positive number of Å");
        }
        return value;
    }
}
