package org.xtal4j.data;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * A data set of labelled structures, read lazily: every iteration reads the source from the start
 * and parses structures on {@link #parallelism()} threads, handing records out in source order.
 * Only a bounded window of rows is held at a time, so 100,000 structures need not fit in memory;
 * {@link #materialise()} keeps them all for small sets.
 *
 * <p>By default a row whose structure does not parse (or whose target is not a number) is left out
 * of the iteration and recorded in {@link #errors()} (row, id, file, message), which can be written
 * as CSV with {@link #writeErrors(Path)}; in {@link #strict(boolean) strict} mode the first such row
 * throws a {@link DatasetException}. Problems with the file as a whole (missing, broken CSV quoting)
 * always throw.
 *
 * <p>Instances are immutable views: {@link #filter}, {@link #parallelism(int)} and
 * {@link #strict(boolean)} return new views of the same source. The error log belongs to a view
 * and its copies with other settings; a filtered view gets its own.
 */
public final class Dataset implements Iterable<Record> {

    private final RecordSource source;
    private final Predicate<RecordInfo> filter;
    private final int parallelism;
    private final boolean strict;
    private final ErrorLog log;
    private final AtomicReference<Integer> size;

    Dataset(RecordSource source, int parallelism, boolean strict) {
        this(source, r -> true, parallelism, strict, new ErrorLog(), new AtomicReference<>());
    }

    private Dataset(RecordSource source, Predicate<RecordInfo> filter, int parallelism, boolean strict,
                    ErrorLog log, AtomicReference<Integer> size) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
        }
        this.source = source;
        this.filter = filter;
        this.parallelism = parallelism;
        this.strict = strict;
        this.log = log;
        this.size = size;
    }

    /** An in-memory data set of already parsed records (e.g. built by other code or in tests). */
    public static Dataset of(String name, List<Record> records) {
        return new Dataset(new InMemorySource(name, records), 1, false);
    }

    /** One thread per available processor, at least 1. */
    public static int defaultParallelism() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** The file (or origin) the records come from. */
    public String source() {
        return source.name();
    }

    /** Names of the numeric target columns, in order (every record's {@link Record#targets()} has these keys). */
    public List<String> targetNames() {
        return source.targetNames();
    }

    /** Names of the extra (text) columns. */
    public List<String> extraNames() {
        return source.extraNames();
    }

    public int parallelism() {
        return parallelism;
    }

    /** The same records parsed on {@code threads} threads (1 = on the calling thread). Order is unchanged. */
    public Dataset parallelism(int threads) {
        return new Dataset(source, filter, threads, strict, log, size);
    }

    public boolean isStrict() {
        return strict;
    }

    /** Strict: the first bad row throws {@link DatasetException}; lenient (default): it is logged and skipped. */
    public Dataset strict(boolean on) {
        return new Dataset(source, filter, parallelism, on, log, size);
    }

    /** The records whose id, row, targets or extra columns pass the test; structures of other rows are never parsed. */
    public Dataset filter(Predicate<RecordInfo> keep) {
        Objects.requireNonNull(keep, "keep");
        Predicate<RecordInfo> both = filter.and(keep);
        return new Dataset(source, both, parallelism, strict, new ErrorLog(), new AtomicReference<>());
    }

    /**
     * Records in source order. The iterator holds an open file and, when parallel, a thread pool; both
     * are released when it is exhausted, when it throws, or when {@link #stream()} is closed. An
     * iterator dropped half-way only leaves idle daemon threads that end after two seconds.
     */
    @Override
    public Iterator<Record> iterator() {
        return new ParsingIterator(source.open(), filter, parallelism, strict, log);
    }

    /** Records in source order as a sequential stream (parsing is parallel inside); close it when stopping early. */
    public Stream<Record> stream() {
        ParsingIterator it = new ParsingIterator(source.open(), filter, parallelism, strict, log);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it,
                Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(it::close);
    }

    /** Ids, rows, targets and extra columns of the rows, without parsing structures. */
    public Stream<RecordInfo> infos() {
        CloseableIterator<PendingRecord> it = source.open();
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it,
                        Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(it::close)
                .map(PendingRecord::info)
                .filter(filter);
    }

    /** Every record in memory, in source order (bad rows left out and logged, or thrown in strict mode). */
    public List<Record> materialise() {
        List<Record> all = new ArrayList<>();
        try (Stream<Record> s = stream()) {
            s.forEachOrdered(all::add);
        }
        return all;
    }

    /**
     * Number of rows in this view, good or bad, counted without parsing structures (one pass over the
     * source the first time, then remembered).
     */
    public int size() {
        Integer n = size.get();
        if (n == null) {
            try (Stream<RecordInfo> s = infos()) {
                n = (int) s.count();
            }
            size.set(n);
        }
        return n;
    }

    /**
     * For each target column, how many rows of this view hold a value (not NaN), counted without
     * parsing structures.
     */
    public Map<String, Integer> targetCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        targetNames().forEach(t -> counts.put(t, 0));
        try (Stream<RecordInfo> s = infos()) {
            s.forEach(r -> r.targets().forEach((k, v) -> {
                if (!v.isNaN()) {
                    counts.merge(k, 1, Integer::sum);
                }
            }));
        }
        return counts;
    }

    /** Rows that failed so far, in row order (each row once however often the data set was iterated). */
    public List<RecordError> errors() {
        return log.errors();
    }

    /** Parser warnings of the rows read so far (same shape as errors), in row order. */
    public List<RecordError> warnings() {
        return log.warnings();
    }

    /** Writes {@link #errors()} as CSV with the header {@code row,id,source,message}. */
    public void writeErrors(Path csv) throws IOException {
        writeReport(errors(), csv);
    }

    /** Writes record errors or warnings as CSV with the header {@code row,id,source,message}. */
    public static void writeReport(List<RecordError> report, Path csv) throws IOException {
        Path parent = csv.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8);
             CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder()
                     .setHeader("row", "id", "source", "message").setRecordSeparator('\n').build())) {
            for (RecordError e : report) {
                p.printRecord(e.row(), e.id(), e.source(), e.message());
            }
        }
    }

    @Override
    public String toString() {
        return "Dataset(" + source.name() + ", targets " + targetNames() + ")";
    }
}
