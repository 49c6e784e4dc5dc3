package org.xtal4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.xtal4j.nn.model.ModelFile;
import org.xtal4j.nn.model.Provenance;

/**
 * The model a training run started from ({@code xtal train --init-from}), as recorded in the new model's
 * provenance: the file's name and SHA-256, and the training that made it (its own start, if any, nested), so
 * the card of a model trained in several stages still tells the whole story.
 */
final class InitialModel {

    /** Key of the record in the provenance's extra facts. */
    static final String KEY = "initFrom";

    private InitialModel() {
    }

    static ObjectNode describe(Path file, ModelFile m) throws IOException {
        Provenance p = m.provenance();
        JsonNode extra = p.extra();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("file", file.getFileName().toString());
        o.put("sha256", sha256(file));
        putIfPresent(o, "dataset", p.dataset());
        putIfPresent(o, "gitCommit", p.gitCommit());
        for (String k : new String[] {"epochs", "trainingSeconds", "trainingSize"}) {
            if (extra.has(k)) {
                o.set(k, extra.get(k));
            }
        }
        ArrayNode cl = o.putArray("commandLine");
        p.commandLine().forEach(cl::add);
        if (extra.has(KEY)) {
            o.set(KEY, extra.get(KEY));
        }
        return o;
    }

    /** Markdown lines for a model card: one bullet per earlier stage, the most recent first. */
    static String markdown(JsonNode initFrom) {
        StringBuilder sb = new StringBuilder();
        int stage = 1;
        for (JsonNode n = initFrom; n != null && n.isObject(); n = n.get(KEY), stage++) {
            String sha = n.path("sha256").asText();
            sb.append("- ").append(stage == 1 ? "Started from" : "which started from").append(" `")
                    .append(n.path("file").asText()).append("` (SHA-256 ")
                    .append(sha, 0, Math.min(12, sha.length())).append("…)");
            if (n.has("epochs")) {
                sb.append(", ").append(n.path("epochs").asText()).append(" epochs");
            }
            if (n.has("trainingSeconds")) {
                sb.append(String.format(Locale.ROOT, ", %.0f s of training steps",
                        n.path("trainingSeconds").asDouble()));
            }
            if (n.has("gitCommit")) {
                sb.append(", commit ").append(n.path("gitCommit").asText());
            }
            sb.append('\n');
            if (n.path("commandLine").size() > 0) {
                StringBuilder cmd = new StringBuilder();
                n.path("commandLine").forEach(a -> cmd.append(cmd.length() == 0 ? "" : " ").append(a.asText()));
                sb.append("  `").append(cmd).append("`\n");
            }
        }
        return sb.toString();
    }

    private static void putIfPresent(ObjectNode o, String key, String value) {
        if (value != null) {
            o.put(key, value);
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file),
                MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
