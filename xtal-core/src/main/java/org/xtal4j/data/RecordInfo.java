package org.xtal4j.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything about one data-set record except its structure: known before the structure text is
 * parsed, so splits and filters can look at it without parsing.
 *
 * @param row 1-based position in the source (data row of a CSV after the header, line of an
 *            {@code id_prop.csv}, frame of an extended XYZ file, entry of a JSON table)
 * @param id the record id (an id column, file id, frame id, or the row number as text)
 * @param targets numeric labels in target-column order; a missing or empty value is {@code NaN}
 * @param extra the other (non-structure) columns as text, e.g. a split column
 */
public record RecordInfo(int row, String id, Map<String, Double> targets, Map<String, String> extra) {

    public RecordInfo {
        Objects.requireNonNull(id, "id");
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /**
     * The value of a target column; {@code NaN} when the value is missing.
     *
     * @throws IllegalArgumentException when the data set has no such target column
     */
    public double target(String name) {
        Double v = targets.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no target column '" + name + "'; targets are " + targets.keySet());
        }
        return v;
    }

    /** Whether the target column exists and holds a value (not NaN). */
    public boolean hasTarget(String name) {
        Double v = targets.get(name);
        return v != null && !v.isNaN();
    }

    /** An extra column's text, or {@code null} when the data set has no such column. */
    public String extra(String name) {
        return extra.get(name);
    }
}
