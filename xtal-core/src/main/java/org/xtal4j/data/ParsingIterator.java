package org.xtal4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.xtal4j.io.StructureParseException;
import org.xtal4j.structure.Structure;

/**
 * Turns pending rows into records, parsing structures on a small thread pool while handing records
 * out in source order. The calling thread reads the source; at most {@code 4 × threads} rows are
 * in flight, so memory stays bounded however large the file is. Failed rows go to the error log
 * (or, in strict mode, end the iteration with a {@link DatasetException}).
 */
final class ParsingIterator implements CloseableIterator<Record> {

    private static final AtomicInteger POOL_COUNTER = new AtomicInteger();

    private final CloseableIterator<PendingRecord> pending;
    private final Predicate<RecordInfo> filter;
    private final boolean strict;
    private final ErrorLog log;
    private final int window;
    private final ThreadPoolExecutor pool;
    private final ArrayDeque<Future<Outcome>> inFlight = new ArrayDeque<>();
    private Record next;
    private boolean closed;

    ParsingIterator(CloseableIterator<PendingRecord> pending, Predicate<RecordInfo> filter, int threads,
                    boolean strict, ErrorLog log) {
        this.pending = pending;
        this.filter = filter;
        this.strict = strict;
        this.log = log;
        this.window = threads <= 1 ? 1 : 4 * threads;
        this.pool = threads <= 1 ? null : newPool(threads);
    }

    private static ThreadPoolExecutor newPool(int threads) {
        int id = POOL_COUNTER.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, 2, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "xtal-dataset-" + id + "-parse-" + n.incrementAndGet());
                    t.setDaemon(true); // an abandoned iteration must not keep the JVM alive
                    return t;
                });
        p.allowCoreThreadTimeOut(true);
        return p;
    }

    @Override
    public boolean hasNext() {
        try {
            while (next == null) {
                if (closed) {
                    return false;
                }
                fill();
                if (inFlight.isEmpty()) {
                    close();
                    return false;
                }
                Outcome o = await(inFlight.poll());
                log.warnings(o.row, o.warnings);
                if (o.record != null) {
                    log.ok(o.row);
                    next = o.record;
                } else {
                    log.error(o.error);
                    if (strict) {
                        throw new DatasetException(o.error, o.cause);
                    }
                }
            }
            return true;
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    @Override
    public Record next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Record r = next;
        next = null;
        return r;
    }

    private void fill() {
        while (inFlight.size() < window && pending.hasNext()) {
            PendingRecord p = pending.next();
            if (!filter.test(p.info())) {
                continue;
            }
            inFlight.add(pool == null ? CompletableFuture.completedFuture(parse(p)) : pool.submit(() -> parse(p)));
        }
    }

    private static Outcome await(Future<Outcome> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException("interrupted while parsing structures", e);
        } catch (ExecutionException e) {
            // parse() catches everything but Errors; rethrow those as they are
            Throwable c = e.getCause();
            if (c instanceof Error err) {
                throw err;
            }
            throw new DatasetException("structure parsing failed: " + c, c);
        }
    }

    /** Parses one row; never throws for bad input. */
    static Outcome parse(PendingRecord p) {
        RecordInfo info = p.info();
        List<RecordError> warnings = new ArrayList<>();
        if (p.problem() != null) {
            return Outcome.failed(info, new RecordError(info.row(), info.id(), p.source(), p.problem()), null, warnings);
        }
        try {
            Structure s = p.task().parse(w -> warnings.add(new RecordError(info.row(), info.id(), p.source(), w)));
            return new Outcome(info.row(), new Record(info, s), null, null, warnings);
        } catch (StructureParseException | IllegalArgumentException e) {
            // IllegalArgumentException: e.g. a degenerate lattice found while building the structure
            return Outcome.failed(info, error(p, e.getMessage()), e, warnings);
        } catch (IOException | UncheckedIOException e) {
            return Outcome.failed(info, error(p, "cannot read: " + e.getMessage()), e, warnings);
        } catch (RuntimeException e) {
            // unexpected: keep the exception type so the report shows it is a bug, not bad input
            return Outcome.failed(info, error(p, e.getClass().getSimpleName() + ": " + e.getMessage()), e, warnings);
        }
    }

    private static RecordError error(PendingRecord p, String message) {
        return new RecordError(p.info().row(), p.info().id(), p.source(), message == null ? "(no message)" : message);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        inFlight.forEach(f -> f.cancel(true));
        inFlight.clear();
        if (pool != null) {
            pool.shutdownNow();
        }
        pending.close();
    }

    /** Result of one row: a record, or an error and its cause. */
    record Outcome(int row, Record record, RecordError error, Throwable cause, List<RecordError> warnings) {
        static Outcome failed(RecordInfo info, RecordError error, Throwable cause, List<RecordError> warnings) {
            return new Outcome(info.row(), null, error, cause, warnings);
        }
    }
}
