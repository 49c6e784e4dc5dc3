package org.xtal4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code xtal} command. Each subcommand is its own class implementing {@code Callable<Integer>};
 * to add one (train, predict, ...), write the class and list it in {@code subcommands} below.
 *
 * <p>Exit codes: {@link #OK}, {@link #INPUT_FAILED} (some input could not be read or processed),
 * {@link #USAGE} (bad command line). Problems are printed as {@code xtal: file:line: problem} on
 * stderr; stack traces only with {@code --debug} or {@code XTAL_DEBUG=1}.
 */
@Command(
        name = "xtal",
        mixinStandardHelpOptions = true,
        versionProvider = XtalVersion.class,
        description = "Transformer models for periodic crystal structures: read and convert structures, train, predict, evaluate, import, explain and benchmark models.",
        subcommands = {
                InfoCommand.class,
                ConvertCommand.class,
                ImportCommand.class,
                ExplainCommand.class,
                TrainCommand.class,
                PredictCommand.class,
                EvaluateCommand.class,
                BenchCommand.class,
                SplitCommand.class,
                ReproduceCommand.class,
                CommandLine.HelpCommand.class},
        usageHelpAutoWidth = true)
public final class Xtal implements Callable<Integer> {

    public static final int OK = 0;
    public static final int INPUT_FAILED = 1;
    public static final int USAGE = 2;

    @Spec
    private CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Print stack traces for errors (also XTAL_DEBUG=1).")
    private boolean debug;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** A configured command line; tests set its out/err writers and call {@code execute}. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Xtal());
        cl.setExitCodeExceptionMapper(e -> e instanceof ParameterException ? USAGE : INPUT_FAILED);
        cl.setParameterExceptionHandler(Xtal::usageError);
        cl.setExecutionExceptionHandler(Xtal::failure);
        return cl;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command (try 'xtal --help')");
    }

    private static int usageError(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("xtal: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        if (debug(cl.getParseResult())) {
            ex.printStackTrace(err);
        }
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return USAGE;
    }

    private static int failure(Exception ex, CommandLine cl, ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        err.println("xtal: " + Problems.describe(ex));
        if (debug(parseResult)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return INPUT_FAILED;
    }

    /** --debug anywhere on the command line, or XTAL_DEBUG=1. */
    static boolean debug(ParseResult parseResult) {
        if ("1".equals(System.getenv("XTAL_DEBUG"))) {
            return true;
        }
        for (ParseResult pr = parseResult; pr != null; pr = pr.subcommand()) {
            if (pr.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }
}
