package org.xtal4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Per-record errors and warnings of one data-set view, keyed by row so that iterating the data set
 * again does not list a row twice. Thread-safe.
 */
final class ErrorLog {

    private final ConcurrentSkipListMap<Integer, RecordError> errors = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<Integer, List<RecordError>> warnings = new ConcurrentSkipListMap<>();

    void error(RecordError e) {
        errors.put(e.row(), e);
    }

    /** Replaces the warnings of a row (a row parsed again gives the same warnings again). */
    void warnings(int row, List<RecordError> w) {
        if (w.isEmpty()) {
            warnings.remove(row);
        } else {
            warnings.put(row, List.copyOf(w));
        }
    }

    /** A row that parsed now is no longer in error (e.g. a file that was missing has appeared). */
    void ok(int row) {
        errors.remove(row);
    }

    List<RecordError> errors() {
        return List.copyOf(errors.values());
    }

    List<RecordError> warnings() {
        List<RecordError> all = new ArrayList<>();
        warnings.values().forEach(all::addAll);
        return all;
    }
}
