package org.xtal4j.data;

import java.util.List;
import java.util.function.Function;

/**
 * Parts by the value of a column: a text column as written ({@code train}, {@code val}), a numeric
 * (target) column by its value, integers without a decimal point (a fold number 3 → part "3");
 * an empty or missing value → none.
 */
final class ColumnSplit implements Split {

    private final String column;

    ColumnSplit(String column) {
        this.column = column;
    }

    @Override
    public SplitAssignment assign(Dataset dataset) {
        Function<RecordInfo, String> rule;
        if (dataset.extraNames().contains(column)) {
            rule = r -> {
                String v = r.extra(column);
                return v == null || v.isBlank() ? NONE : v.trim();
            };
        } else if (dataset.targetNames().contains(column)) {
            rule = r -> {
                double v = r.target(column);
                if (Double.isNaN(v)) {
                    return NONE;
                }
                return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
            };
        } else {
            throw new IllegalArgumentException(dataset.source() + ": no column '" + column + "' to split by; columns are "
                    + dataset.extraNames() + " and " + dataset.targetNames());
        }
        return SplitAssignment.byRecord(dataset, List.of(), rule, List.of());
    }
}
