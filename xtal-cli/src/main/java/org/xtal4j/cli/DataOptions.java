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
            description = "Target column(s); repeat or separate with commas. log10(COLUMN) trains on the base-10 "
                    + "logarithm of a positive column (the target is then named log10_COLUMN).")
    List<String> targets = new ArrayList<>();

    @Option(names = "--split-column", paramLabel = "C",
            description = "Column whose values (train, val, test) say which part a row belongs to.")
    String splitColumn;

    @Option(names = "--split-ids", paramLabel = "DIR",
            description = "Folder of id lists (train.txt, val.txt, test.txt; one id per line) that say which part "
                    + "each row belongs to; rows in no list are not used. Make them with `xtal split`.")
    Path splitIds;

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

    @Option(names = "--limit", split = ",", paramLabel = "N",
            description = "Read only the first N rows of each part (in file order; rows of other parts are not "
                    + "parsed); TRAIN,VAL[,TEST] limit the parts separately (a part without a value is not limited). For "
                    + "quick runs on a subset.")
    List<Integer> limit = new ArrayList<>();

    /**
     * The row limit of a part; 0 = no limit. One value limits every part, otherwise the values are train (or all),
     * val, test in that order.
     */
    int limitOf(String part) {
        if (limit.isEmpty()) {
            return 0;
        }
        if (limit.size() > 3) {
            throw new CliFailure("--limit takes at most three values (train,val,test), got " + limit);
        }
        for (int n : limit) {
            if (n < 1) {
                throw new CliFailure("--limit must be positive, got " + limit);
            }
        }
        if (limit.size() == 1) {
            return limit.get(0);
        }
        int index = switch (part) {
            case LabelledData.VAL -> 1;
            case LabelledData.TEST -> 2;
            default -> 0;
        };
        return index < limit.size() ? limit.get(index) : 0;
    }
}
