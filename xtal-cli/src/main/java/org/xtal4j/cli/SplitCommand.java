package org.xtal4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.xtal4j.data.Dataset;
import org.xtal4j.data.DatasetException;
import org.xtal4j.data.DatasetLoader;
import org.xtal4j.data.LoadOptions;
import org.xtal4j.data.Split;
import org.xtal4j.data.SplitAssignment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code xtal split}: a seeded random train/val/test split of a data set, written as id lists. */
@Command(
        name = "split",
        description = "Split a data set at random into train, val and test and write the parts as id lists "
                + "(OUT/train.txt, val.txt, test.txt, one id per line) for `xtal train --split-ids OUT`. The parts "
                + "depend only on the set of ids and the seed (ids are sorted, then shuffled with java.util.Random), "
                + "so the same command gives the same lists on any machine.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the lists were written", "1:the data set could not be read", "2:usage error"})
final class SplitCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--data", required = true, paramLabel = "PATH", description = "The data set (any form `xtal "
            + "train --data` reads).")
    private Path data;

    @Option(names = "--id-column", paramLabel = "C", description = "Column holding record ids (default: id, "
            + "material_id, mp_id or file_id).")
    private String idColumn;

    @Option(names = "--structure-column", paramLabel = "C", description = "CSV column holding the structures.")
    private String structureColumn;

    @Option(names = "--fractions", split = ",", defaultValue = "0.8,0.1,0.1", paramLabel = "TRAIN,VAL,TEST",
            description = "Fractions of the ids in each part (default: ${DEFAULT-VALUE}).")
    private List<Double> fractions = new ArrayList<>();

    @Option(names = "--seed", defaultValue = "123", paramLabel = "N", description = "Seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Folder for the id lists.")
    private Path out;

    @Override
    public Integer call() throws IOException {
        if (fractions.size() != 3) {
            throw new CliFailure("--fractions takes three numbers TRAIN,VAL,TEST, got " + fractions);
        }
        Map<String, Double> f = new LinkedHashMap<>();
        f.put(LabelledData.TRAIN, fractions.get(0));
        f.put(LabelledData.VAL, fractions.get(1));
        f.put(LabelledData.TEST, fractions.get(2));
        LoadOptions lo = LoadOptions.defaults();
        if (idColumn != null) {
            lo = lo.idColumn(idColumn);
        }
        if (structureColumn != null) {
            lo = lo.structureColumn(structureColumn);
        }
        SplitAssignment a;
        try {
            Dataset d = DatasetLoader.load(data, lo);
            a = Split.random(seed, f).assign(d);
        } catch (DatasetException | IllegalArgumentException e) {
            throw new CliFailure(data + ": " + e.getMessage(), e);
        }
        a.writeIdLists(out);
        PrintWriter o = spec.commandLine().getOut();
        a.counts().forEach((part, n) -> o.printf(Locale.ROOT, "%s: %d ids -> %s%n", part, n,
                out.resolve(part + ".txt")));
        o.flush();
        return Xtal.OK;
    }
}
