package org.xtal4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Data-set options shared by {@code train} and {@code evaluate}: where the labelled structures are, which
 * column is the target and how the rows split into train / val / test.
 */
final class DataOptions {

    @Option(names = "--data", required = true, paramLabel = "PATH",
            description = "Data set: CSV with a structure column (.csv, .csv.gz, .csv.xz), an id_prop.csv folder, "
                    + "extended XYZ or Matbench/MEGNet JSON.")
    Path data;

    @Option(names = "--target", split = ",", paramLabel = "COLUMN",
            description = "Target column(s); repeat or separate with commas.")
    List<String> targets = new ArrayList<>();

    @Option(names = "--split-column", paramLabel = "C",
            description = "Column whose values (train, val, test) say which part a row belongs to.")
    String splitColumn;

    @Option(names = "--val-data", paramLabel = "PATH", description = "A separate validation data set.")
    Path valData;

    @Option(names = "--test-data", paramLabel = "PATH", description = "A separate test data set.")
    Path testData;

    @Option(names = "--structure-column", paramLabel = "C",
            description = "CSV column holding the structures (default: found by content).")
    String structureColumn;

    @Option(names = "--id-column", paramLabel = "C",
            description = "Column holding record ids (default: id, material_id, mp_id or file_id).")
    String idColumn;
}
