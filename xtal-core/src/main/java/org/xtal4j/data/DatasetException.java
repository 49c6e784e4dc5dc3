package org.xtal4j.data;

/**
 * A data set could not be read: the file is missing or malformed as a whole (bad CSV quoting,
 * unknown column), or a record failed in strict mode. The message names the file and, where one
 * applies, the row or line.
 */
public class DatasetException extends RuntimeException {

    private final transient RecordError recordError;

    public DatasetException(String message) {
        this(message, null, null);
    }

    public DatasetException(String message, Throwable cause) {
        this(message, null, cause);
    }

    /** Strict mode: the first record that failed. */
    public DatasetException(RecordError error, Throwable cause) {
        this(error.toString(), error, cause);
    }

    private DatasetException(String message, RecordError error, Throwable cause) {
        super(message, cause);
        this.recordError = error;
    }

    /** The failing record in strict mode, else {@code null}. */
    public RecordError recordError() {
        return recordError;
    }
}
