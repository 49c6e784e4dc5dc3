package org.xtal4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.xtal4j.io.StructureFormat;
import org.xtal4j.io.StructureIO;
import org.xtal4j.structure.Structure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code xtal convert}: read any format, optionally transform the cell, write another format. */
@Command(
        name = "convert",
        description = "Convert a structure file. The output format follows OUT's name (.cif, .vasp or "
                + "POSCAR/CONTCAR, .extxyz/.xyz, .json) unless --to is given. Cell operations are applied "
                + "in the order --primitive, --niggli, --supercell. OUT is written atomically and never "
                + "replaces IN.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:written", "1:IN could not be read or OUT not written", "2:usage error"})
final class ConvertCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Parameters(index = "0", paramLabel = "IN", description = "Structure file to read.")
    private Path input;

    @Parameters(index = "1", paramLabel = "OUT", description = "File to write.")
    private Path output;

    @Option(names = "--to", paramLabel = "FORMAT", description = "Output format: cif, poscar, extxyz or json.")
    private String to;

    @Option(names = "--primitive", description = "Replace each structure by its primitive cell.")
    private boolean primitive;

    @Mixin
    private ToleranceOption toleranceOption;

    @Option(names = "--niggli", description = "Niggli-reduce the cell (same crystal, reduced basis).")
    private boolean niggli;

    @Option(names = "--supercell", paramLabel = "M", converter = SupercellMatrix.Converter.class,
            description = "Supercell: NxNxN (e.g. 2x2x2) or 9 integers row by row (\"2 0 0 0 2 0 0 0 1\").")
    private SupercellMatrix supercell;

    @Option(names = "--index", paramLabel = "N",
            description = "Convert only structure N (0-based) of a multi-structure input.")
    private Integer index;

    @Override
    public Integer call() throws IOException {
        StructureFormat format = outputFormat();
        toleranceOption.checked(spec.commandLine());
        if (Files.exists(output) && Files.exists(input) && Files.isSameFile(input, output)) {
            throw usage(output + " is the input file; refusing to overwrite it");
        }
        if (Files.isDirectory(output)) {
            throw usage(output + " is a folder; give a file name");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        StructureFiles.Loaded loaded = StructureFiles.load(input);
        loaded.warnings().forEach(w -> err.println("xtal: warning: " + w));
        if (!loaded.ok()) {
            err.println("xtal: " + Problems.describe(loaded.error(), loaded.file()));
            if (Xtal.debug(spec.commandLine().getParseResult())) {
                loaded.error().printStackTrace(err);
            }
            err.flush();
            return Xtal.INPUT_FAILED;
        }
        List<Structure> structures = loaded.structures();
        if (index != null) {
            if (index < 0 || index >= structures.size()) {
                throw usage("--index " + index + " is out of range: " + input + " has "
                        + structures.size() + " structure(s)");
            }
            structures = List.of(structures.get(index));
        }
        if (structures.size() > 1 && format.name().equals("poscar")) {
            throw new CliFailure(output + ": a POSCAR holds one structure, but " + input + " has "
                    + structures.size() + "; use --index N, or write extxyz or cif");
        }

        List<Structure> result = new ArrayList<>(structures.size());
        for (int i = 0; i < structures.size(); i++) {
            String what = structures.size() > 1 ? input + " structure " + i : input.toString();
            result.add(transform(structures.get(i), what));
        }
        try {
            StructureIO.write(output, result, format);
        } catch (IOException | RuntimeException e) {
            throw new CliFailure(Problems.describe(e, output.toString()), e);
        }
        out.println(input + " -> " + output + " (" + format.name() + "): " + sizes(structures) + " -> "
                + sizes(result) + " sites");
        out.flush();
        return Xtal.OK;
    }

    /** Applies the requested cell operations; {@code what} names the structure in errors. */
    private Structure transform(Structure s, String what) {
        if ((primitive || niggli || supercell != null) && !s.isFullyPeriodic()) {
            throw new CliFailure(what + ": not periodic along all axes, so it has no cell to transform");
        }
        try {
            if (primitive) {
                s = CellOperations.primitive(s, toleranceOption.value);
            }
            if (niggli) {
                s = CellOperations.niggli(s);
            }
            if (supercell != null) {
                s = CellOperations.supercell(s, supercell.rows());
            }
            return s;
        } catch (RuntimeException e) {
            throw new CliFailure(Problems.describe(e, what), e);
        }
    }

    private static String sizes(List<Structure> structures) {
        return structures.stream().map(s -> Integer.toString(s.size())).collect(Collectors.joining(", "));
    }

    private StructureFormat outputFormat() {
        if (to != null) {
            try {
                return StructureIO.format(to);
            } catch (IllegalArgumentException e) {
                throw usage("--to: " + e.getMessage());
            }
        }
        StructureFormat f = StructureFiles.formatForName(output.getFileName().toString());
        if (f == null) {
            throw usage("cannot tell the output format from '" + output.getFileName() + "'; use --to FORMAT ("
                    + StructureIO.formats().stream().map(StructureFormat::name).collect(Collectors.joining(", "))
                    + ")");
        }
        return f;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
