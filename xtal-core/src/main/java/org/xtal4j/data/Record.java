package org.xtal4j.data;

import java.util.Map;
import java.util.Objects;
import org.xtal4j.structure.Structure;

/**
 * One parsed data-set entry: id, structure, numeric targets (NaN when missing) and extra columns. Immutable.
 *
 * <p>The simple name clashes with {@code java.lang.Record} under a wildcard import
 * ({@code import org.xtal4j.data.*;}); import this class by name.
 */
public final class Record {

    private final RecordInfo info;
    private final Structure structure;

    public Record(RecordInfo info, Structure structure) {
        this.info = Objects.requireNonNull(info, "info");
        this.structure = Objects.requireNonNull(structure, "structure");
    }

    public RecordInfo info() {
        return info;
    }

    /** 1-based row in the source. */
    public int row() {
        return info.row();
    }

    public String id() {
        return info.id();
    }

    public Structure structure() {
        return structure;
    }

    /** Target values by column name, in column order; missing values are NaN. */
    public Map<String, Double> targets() {
        return info.targets();
    }

    /** See {@link RecordInfo#target(String)}: NaN when missing, exception for an unknown column. */
    public double target(String name) {
        return info.target(name);
    }

    /** Whether the target column exists and holds a value (not NaN). */
    public boolean hasTarget(String name) {
        return info.hasTarget(name);
    }

    public Map<String, String> extra() {
        return info.extra();
    }

    public String extra(String name) {
        return info.extra(name);
    }

    @Override
    public String toString() {
        return "Record(" + info.row() + ", " + info.id() + ", " + structure + ", " + info.targets() + ")";
    }
}
