package org.xtal4j.nn.model;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a trained model came from, stored as {@code provenance.json}: data set and split, seed, git
 * commit, final metrics, creation time, xtal4j version, the command line, plus free-form {@code extra}
 * facts (epochs, wall time, hardware). Null fields are simply unknown.
 */
public record Provenance(String dataset, String split, Long seed, String gitCommit, Map<String, Double> metrics,
                         Instant created, String xtal4jVersion, List<String> commandLine, ObjectNode extra) {

    public Provenance {
        metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics == null ? Map.of() : metrics));
        commandLine = List.copyOf(commandLine == null ? List.of() : commandLine);
        extra = extra == null ? JsonNodeFactory.instance.objectNode() : extra.deepCopy();
    }

    /** Nothing known except the time of creation and this library's version. */
    public static Provenance now() {
        return new Provenance(null, null, null, null, Map.of(), Instant.now(), xtal4jVersionOfThisBuild(),
                List.of(), null);
    }

    /** The jar's Implementation-Version, or "dev" when running from classes. */
    public static String xtal4jVersionOfThisBuild() {
        String v = Provenance.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public ObjectNode extra() {
        return extra.deepCopy();
    }

    public Provenance withMetrics(Map<String, Double> m) {
        return new Provenance(dataset, split, seed, gitCommit, m, created, xtal4jVersion, commandLine, extra);
    }

    public Provenance withDataset(String ds, String sp, Long sd) {
        return new Provenance(ds, sp, sd, gitCommit, metrics, created, xtal4jVersion, commandLine, extra);
    }

    public Provenance withCommandLine(String gitCommitHash, List<String> args) {
        return new Provenance(dataset, split, seed, gitCommitHash, metrics, created, xtal4jVersion, args, extra);
    }

    public Provenance withExtra(ObjectNode e) {
        return new Provenance(dataset, split, seed, gitCommit, metrics, created, xtal4jVersion, commandLine, e);
    }
}
