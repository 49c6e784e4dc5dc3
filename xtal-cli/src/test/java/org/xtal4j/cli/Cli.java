package org.xtal4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code xtal} in-process with captured stdout and stderr. */
final class Cli {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Exit status and captured output of one run. */
    record Result(int status, String out, String err) {

        /** stdout as JSON lines. */
        List<JsonNode> jsonLines() {
            List<JsonNode> nodes = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    try {
                        nodes.add(JSON.readTree(line));
                    } catch (IOException e) {
                        throw new UncheckedIOException("not a JSON line: " + line, e);
                    }
                }
            }
            return nodes;
        }

        /** The single JSON object on stdout. */
        JsonNode json() {
            List<JsonNode> all = jsonLines();
            if (all.size() != 1) {
                throw new AssertionError("expected one JSON line, got " + all.size() + ":\n" + out + err);
            }
            return all.get(0);
        }

        @Override
        public String toString() {
            return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Xtal.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    /** {@code examples/structures} of this checkout (tests run in xtal-cli/). */
    static Path examples() {
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 4 && dir != null; i++) {
            Path candidate = dir.resolve("examples/structures");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("examples/structures not found above " + Path.of("").toAbsolutePath());
    }

    static String example(String name) {
        Path p = examples().resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("missing example " + p);
        }
        return p.toString();
    }
}
