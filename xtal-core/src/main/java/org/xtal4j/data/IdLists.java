package org.xtal4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Id-list files: one id per line, UTF-8; blank lines and lines starting with {@code #} are ignored. */
public final class IdLists {

    private IdLists() {
    }

    public static List<String> read(Path file) throws IOException {
        List<String> ids = new ArrayList<>();
        try (BufferedReader r = Compression.reader(file)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String t = line.trim();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    ids.add(t);
                }
            }
        }
        return ids;
    }

    /** Writes the ids, one per line with '\n' endings. */
    public static void write(Path file, Collection<String> ids) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String id : ids) {
                if (id.contains("\n") || id.contains("\r")) {
                    throw new IllegalArgumentException("an id with a line break cannot go into an id list: '" + id + "'");
                }
                w.write(id);
                w.write('\n');
            }
        }
    }
}
