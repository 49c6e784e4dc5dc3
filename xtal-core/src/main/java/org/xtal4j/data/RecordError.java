package org.xtal4j.data;

import java.util.Objects;

/**
 * A record that could not be turned into a {@link Record} (structure did not parse, target is not
 * a number, file missing, ...). Also used, with the same shape, for parser warnings.
 *
 * @param row 1-based row in the source
 * @param id the record id (the row number as text when no id is known)
 * @param source the data-set file the record came from
 * @param message what went wrong; for structure parse errors the parser's "source:line: problem"
 */
public record RecordError(int row, String id, String source, String message) {

    public RecordError {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return source + ": row " + row + " (" + id + "): " + message;
    }
}
