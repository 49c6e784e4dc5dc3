package org.xtal4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The outcome of a {@link Split} on one data set: each row's part. Gives the parts as filtered data
 * sets (structures of other parts are never parsed), their sizes and id lists.
 */
public final class SplitAssignment {

    private final Dataset dataset;
    private final List<String> parts;
    private final Map<Integer, String> partByRow;
    private final Map<Integer, String> idByRow;
    private final List<String> unmatchedIds;
    private final Map<String, Dataset> views = new java.util.concurrent.ConcurrentHashMap<>();

    SplitAssignment(Dataset dataset, List<String> parts, Map<Integer, String> partByRow,
                    Map<Integer, String> idByRow, List<String> unmatchedIds) {
        this.dataset = dataset;
        this.parts = List.copyOf(parts);
        this.partByRow = Collections.unmodifiableMap(partByRow);
        this.idByRow = Collections.unmodifiableMap(idByRow);
        this.unmatchedIds = List.copyOf(unmatchedIds);
    }

    /** Assigns with a per-record rule (one pass over the data set's ids and columns). */
    static SplitAssignment byRecord(Dataset dataset, List<String> declaredParts,
                                    java.util.function.Function<RecordInfo, String> rule, List<String> unmatched) {
        Map<Integer, String> part = new LinkedHashMap<>();
        Map<Integer, String> ids = new LinkedHashMap<>();
        List<String> order = new ArrayList<>(declaredParts);
        try (Stream<RecordInfo> s = dataset.infos()) {
            s.forEach(r -> {
                String p = rule.apply(r);
                if (!order.contains(p)) {
                    order.add(p);
                }
                part.put(r.row(), p);
                ids.put(r.row(), r.id());
            });
        }
        if (order.remove(Split.NONE)) {
            order.add(Split.NONE);
        }
        return new SplitAssignment(dataset, order, part, ids, unmatched);
    }

    /** Part names: the declared ones first (possibly empty), then others in order of appearance, {@code none} last. */
    public List<String> parts() {
        return parts;
    }

    /** The part of a row of the data set, or null for a row it does not have. */
    public String partOf(int row) {
        return partByRow.get(row);
    }

    /**
     * The records of one part, as a lazy data set with the original's settings. The same view (and so
     * the same error log) is returned for the same name.
     */
    public Dataset part(String name) {
        if (!parts.contains(name)) {
            throw new IllegalArgumentException("no part '" + name + "'; parts are " + parts);
        }
        return views.computeIfAbsent(name, n -> dataset.filter(r -> n.equals(partByRow.get(r.row()))));
    }

    /** Number of records in each part, in {@link #parts()} order. */
    public Map<String, Integer> counts() {
        Map<String, Integer> c = new LinkedHashMap<>();
        parts.forEach(p -> c.put(p, 0));
        partByRow.values().forEach(p -> c.merge(p, 1, Integer::sum));
        return c;
    }

    /** Ids of one part, in row order. */
    public List<String> ids(String part) {
        List<String> out = new ArrayList<>();
        partByRow.forEach((row, p) -> {
            if (p.equals(part)) {
                out.add(idByRow.get(row));
            }
        });
        return out;
    }

    /** For id-list splits: listed ids that no record of the data set has; empty otherwise. */
    public List<String> unmatchedIds() {
        return unmatchedIds;
    }

    /** Writes one part's ids, one per line. */
    public void writeIds(String part, Path file) throws IOException {
        IdLists.write(file, ids(part));
    }

    /** Writes {@code <dir>/<part>.txt} for every non-empty part (including {@code none} when present). */
    public void writeIdLists(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, Integer> e : counts().entrySet()) {
            if (e.getValue() > 0) {
                writeIds(e.getKey(), dir.resolve(e.getKey() + ".txt"));
            }
        }
    }
}
