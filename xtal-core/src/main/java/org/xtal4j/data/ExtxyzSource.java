package org.xtal4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.xtal4j.io.StructureFormat;
import org.xtal4j.io.StructureParseException;

/**
 * Extended XYZ frames (plain, gzip or xz), streamed: the file is cut into frames by their atom
 * counts, each frame parsed by the extxyz format on a worker. Targets are numeric frame-info values
 * (by default every numeric scalar in the first frame's info line, e.g. {@code energy}); per-atom
 * arrays such as forces stay in the structure's site properties. The id is the info value
 * {@code id}, {@code jid} or {@code material_id} (or the key named by idColumn), else the frame
 * number (1-based). Other text info values (e.g. {@code config_type}) become extra columns.
 */
final class ExtxyzSource implements RecordSource {

    static final List<String> ID_KEYS = List.of("id", "jid", "material_id");

    /** Structural keys that are never targets or extras. */
    private static final Set<String> STRUCTURAL = Set.of("lattice", "properties", "pbc");

    private final Path file;
    private final String name;
    private final String idKey;
    private final List<String> targetNames;
    private final List<String> extraNames;
    private final StructureFormat format;

    ExtxyzSource(Path file, LoadOptions options) {
        this.file = file;
        this.name = file.toString();
        this.format = Parsing.format(options.structureFormat().orElse("extxyz"), name);
        Map<String, String> info;
        try (Frames frames = new Frames(file, name)) {
            Frame f = frames.next();
            if (f == null) {
                throw new DatasetException(name + ": no frames");
            }
            info = ExtxyzInfo.parse(f.comment);
        } catch (IOException e) {
            throw new DatasetException(name + ": cannot read: " + e.getMessage(), e);
        }
        this.idKey = options.idColumn().orElseGet(() -> ID_KEYS.stream()
                .filter(k -> findKey(info, k) != null).findFirst().orElse(null));
        if (options.targets().isPresent()) {
            targetNames = options.targets().get();
        } else {
            List<String> t = new ArrayList<>();
            info.forEach((k, v) -> {
                if (!isStructural(k) && !k.equalsIgnoreCase(idKey == null ? "" : idKey) && Values.isNumber(v)) {
                    t.add(k);
                }
            });
            targetNames = List.copyOf(t);
        }
        List<String> x = new ArrayList<>();
        info.forEach((k, v) -> {
            if (!isStructural(k) && !targetNames.contains(k) && !Values.isNumber(v)) {
                x.add(k);
            }
        });
        extraNames = List.copyOf(x);
    }

    private static boolean isStructural(String key) {
        return STRUCTURAL.contains(key.toLowerCase(java.util.Locale.ROOT));
    }

    /** The key as spelled in the map, matched case-insensitively. */
    private static String findKey(Map<String, String> info, String key) {
        if (info.containsKey(key)) {
            return key;
        }
        for (String k : info.keySet()) {
            if (k.equalsIgnoreCase(key)) {
                return k;
            }
        }
        return null;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> targetNames() {
        return targetNames;
    }

    @Override
    public List<String> extraNames() {
        return extraNames;
    }

    @Override
    public CloseableIterator<PendingRecord> open() {
        Frames frames;
        try {
            frames = new Frames(file, name);
        } catch (IOException e) {
            throw new DatasetException(name + ": cannot read: " + e.getMessage(), e);
        }
        return new CloseableIterator<>() {
            private Frame next;
            private int row;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    try {
                        next = frames.next();
                    } catch (IOException e) {
                        close();
                        throw new DatasetException(name + ": cannot read: " + e.getMessage(), e);
                    } catch (DatasetException e) {
                        close();
                        throw e;
                    }
                }
                return next != null;
            }

            @Override
            public PendingRecord next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Frame f = next;
                next = null;
                return pending(++row, f);
            }

            @Override
            public void close() {
                frames.close();
            }
        };
    }

    private PendingRecord pending(int row, Frame f) {
        Map<String, String> info = ExtxyzInfo.parse(f.comment);
        String idK = idKey == null ? null : findKey(info, idKey);
        String id = idK != null && !info.get(idK).isBlank() ? info.get(idK) : Integer.toString(row);
        Map<String, Double> targets = new LinkedHashMap<>();
        String problem = null;
        for (String t : targetNames) {
            String k = findKey(info, t);
            String v = k == null ? "" : info.get(k);
            try {
                targets.put(t, Values.parse(v));
            } catch (NumberFormatException e) {
                targets.put(t, Double.NaN);
                if (problem == null) {
                    problem = Values.notANumber(t, v);
                }
            }
        }
        Map<String, String> extra = new LinkedHashMap<>();
        for (String x : extraNames) {
            String k = findKey(info, x);
            extra.put(x, k == null ? "" : info.get(k));
        }
        RecordInfo ri = new RecordInfo(row, id, targets, extra);
        if (problem != null) {
            return PendingRecord.bad(ri, name, problem);
        }
        String fileName = file.getFileName().toString();
        return PendingRecord.ok(ri, name, w -> {
            try {
                return Parsing.one(f.text, fileName, format, w);
            } catch (StructureParseException e) {
                // frame-relative line → file line
                int line = e.line() > 0 ? f.firstLine + e.line() - 1 : f.firstLine;
                throw new StructureParseException(fileName, line, e.problem(), e);
            }
        });
    }

    /** One frame's text and where it starts in the file (1-based line). */
    private record Frame(String text, String comment, int firstLine) {
    }

    /** Cuts the file into frames: atom count, comment line, that many atom lines. */
    private static final class Frames implements AutoCloseable {
        private final BufferedReader reader;
        private final String name;
        private int line;

        Frames(Path file, String name) throws IOException {
            this.reader = Compression.reader(file);
            this.name = name;
        }

        /** The next frame, or null at the end. */
        Frame next() throws IOException {
            String first = reader.readLine();
            line++;
            while (first != null && first.isBlank()) {
                first = reader.readLine();
                line++;
            }
            if (first == null) {
                return null;
            }
            int start = line;
            int n;
            try {
                n = Integer.parseInt(first.trim());
            } catch (NumberFormatException e) {
                throw new DatasetException(name + ":" + line + ": expected the atom count of a frame, found '"
                        + abbreviate(first) + "'");
            }
            if (n < 0) {
                throw new DatasetException(name + ":" + line + ": negative atom count " + n);
            }
            StringBuilder sb = new StringBuilder(first).append('\n');
            String comment = reader.readLine();
            line++;
            if (comment == null) {
                throw new DatasetException(name + ":" + line + ": file ends before the comment line of the frame at line "
                        + start);
            }
            sb.append(comment).append('\n');
            for (int i = 0; i < n; i++) {
                String a = reader.readLine();
                line++;
                if (a == null) {
                    throw new DatasetException(name + ":" + line + ": file ends after " + i + " of " + n
                            + " atom lines of the frame at line " + start);
                }
                sb.append(a).append('\n');
            }
            return new Frame(sb.toString(), comment, start);
        }

        private static String abbreviate(String s) {
            return s.length() > 40 ? s.substring(0, 40) + "..." : s;
        }

        @Override
        public void close() {
            try {
                reader.close();
            } catch (IOException e) {
                // reading only
            }
        }
    }
}
