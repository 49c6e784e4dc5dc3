package org.xtal4j.data;

import java.util.Iterator;

/** An iterator over an open file; {@link #close()} releases it (idempotent). */
interface CloseableIterator<T> extends Iterator<T>, AutoCloseable {

    @Override
    void close();
}
