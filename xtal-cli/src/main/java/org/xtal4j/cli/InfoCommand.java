package org.xtal4j.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.xtal4j.io.StructureParseException;
import org.xtal4j.nn.model.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code xtal info}: a summary line (or JSON object) per structure in each file. */
@Command(
        name = "info",
        description = "Summarise every structure in the given files: reduced formula, cell, volume, density, "
                + "number of sites, size of the primitive cell and whether all sites are ordered. "
                + "Folders are searched recursively for structure files (.cif, .vasp, POSCAR, .extxyz, .json, ...). "
                + "For a model file (.xtal): its model card (Markdown): targets, data, split, command, epochs, wall "
                + "time, commit and metrics.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every file was read", "1:some file could not be read", "2:usage error"})
final class InfoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Structure files or folders, or model files.")
    private List<Path> inputs = new ArrayList<>();

    @Option(names = "--json", description = "One JSON object per structure per line (JSON lines).")
    private boolean json;

    @Mixin
    private ToleranceOption toleranceOption;

    @Override
    public Integer call() {
        toleranceOption.checked(spec.commandLine());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SummaryTable table = new SummaryTable();
        boolean failed = false;
        for (Path arg : inputs) {
            if (Files.isRegularFile(arg) && arg.getFileName().toString().endsWith(ModelFile.EXTENSION)) {
                try {
                    out.print(ModelCard.markdown(arg, ModelFile.read(arg)));
                } catch (IOException | RuntimeException e) {
                    failed = true;
                    report(out, err, arg.toString(), e);
                }
                continue;
            }
            List<Path> files;
            try {
                files = StructureFiles.expand(arg);
            } catch (IOException | RuntimeException e) {
                failed = true;
                report(out, err, arg.toString(), e);
                continue;
            }
            if (files.isEmpty()) {
                failed = true;
                report(out, err, arg.toString(), new CliFailure(arg + ": no structure files in this folder"));
                continue;
            }
            for (Path file : files) {
                failed |= !summarise(StructureFiles.load(file), table, out, err);
            }
        }
        if (!json) {
            table.print(out);
        }
        out.flush();
        err.flush();
        return failed ? Xtal.INPUT_FAILED : Xtal.OK;
    }

    /** Prints (JSON) or tabulates (text) every structure of one file; false when it could not be read. */
    private boolean summarise(StructureFiles.Loaded loaded, SummaryTable table, PrintWriter out, PrintWriter err) {
        if (!json) {
            loaded.warnings().forEach(w -> err.println("xtal: warning: " + w));
        }
        if (!loaded.ok()) {
            report(out, err, loaded.file(), loaded.error());
            return false;
        }
        int n = loaded.structures().size();
        for (int i = 0; i < n; i++) {
            StructureSummary s = StructureSummary.of(loaded.file(), i, loaded.structures().get(i), toleranceOption.value,
                    loaded.warnings());
            if (json) {
                out.println(s.toJson().toString());
                out.flush();
            } else {
                // the file's own warnings were printed above; these are the structure's
                s.warnings().stream().skip(loaded.warnings().size()).forEach(w -> err.println("xtal: warning: " + w));
                table.add(s, n > 1);
            }
        }
        return true;
    }

    /** An unreadable file: an error object in JSON mode (and a line on stderr in both modes). */
    private void report(PrintWriter out, PrintWriter err, String file, Throwable e) {
        String message = Problems.describe(e, file);
        err.println("xtal: " + message);
        if (Xtal.debug(spec.commandLine().getParseResult())) {
            e.printStackTrace(err);
        }
        if (json) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("file", file);
            o.put("error", message);
            if (e instanceof StructureParseException p && p.line() > 0) {
                o.put("line", p.line());
            }
            out.println(o.toString());
            out.flush();
        }
    }
}
