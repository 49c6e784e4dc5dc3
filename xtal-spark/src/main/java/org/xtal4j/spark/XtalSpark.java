package org.xtal4j.spark;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the xtal-spark jar: {@code java -jar xtal-spark-VERSION-shaded.jar screen ...} or
 * {@code spark-submit --class org.xtal4j.spark.XtalSpark xtal-spark-VERSION-shaded.jar screen ...}.
 * Kept apart from {@code xtal} (xtal-cli) so that the CLI never depends on Spark.
 */
@Command(name = "xtal", subcommands = {ScreenCommand.class, CommandLine.HelpCommand.class},
        description = "xtal commands that run on Apache Spark.")
public final class XtalSpark implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status (0 ok, 1 failed rows or job, 2 usage). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new XtalSpark());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("xtal: " + StructureText.describe(ex));
            cmd.getErr().flush();
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed: screen");
    }
}
