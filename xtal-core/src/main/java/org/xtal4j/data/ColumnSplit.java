package org.xtal4j.data;

import java.util.List;

/** Parts by the value of an extra column; empty → none. */
final class ColumnSplit implements Split {

    private final String column;

    ColumnSplit(String column) {
        this.column = column;
    }

    @Override
    public SplitAssignment assign(Dataset dataset) {
        if (!dataset.extraNames().contains(column)) {
            throw new IllegalArgumentException(dataset.source() + ": no column '" + column
                    + "' to split by; text columns are " + dataset.extraNames());
        }
        return SplitAssignment.byRecord(dataset, List.of(), r -> {
            String v = r.extra(column);
            return v == null || v.isBlank() ? NONE : v.trim();
        }, List.of());
    }
}
