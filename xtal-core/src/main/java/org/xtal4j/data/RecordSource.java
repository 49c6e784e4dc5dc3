package org.xtal4j.data;

import java.util.List;

/**
 * Where a data set's rows come from. Each {@link #open()} reads the source afresh from the start, so
 * a data set can be iterated many times (epochs) without holding its structures in memory.
 * Implementations are immutable and may be opened from several threads.
 */
interface RecordSource {

    /** The file (or other origin) named in messages and error reports. */
    String name();

    List<String> targetNames();

    List<String> extraNames();

    /** The rows in source order. Fatal problems (unreadable file, broken CSV quoting) throw {@link DatasetException}. */
    CloseableIterator<PendingRecord> open();
}
