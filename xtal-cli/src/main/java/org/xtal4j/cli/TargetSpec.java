package org.xtal4j.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xtal4j.data.Record;

/**
 * One {@code --target}: a column as it is, or {@code log10(COLUMN)}, the base-10 logarithm of a positive column
 * (elastic moduli are trained on log10 K and log10 G), which the model then calls {@code log10_COLUMN}.
 */
record TargetSpec(String name, String column, boolean log10) {

    private static final Pattern LOG10 = Pattern.compile("(?i)log10\\((.+)\\)");

    static TargetSpec parse(String text) {
        String t = text.trim();
        Matcher m = LOG10.matcher(t);
        if (m.matches()) {
            String column = m.group(1).trim();
            if (column.isEmpty()) {
                throw new CliFailure("--target " + text + ": no column inside log10(...)");
            }
            return new TargetSpec("log10_" + column, column, true);
        }
        return new TargetSpec(t, t, false);
    }

    /** Why this record has no usable value, or null. */
    String problem(Record r) {
        if (!r.hasTarget(column)) {
            return "target '" + column + "' is empty or not a number";
        }
        double v = r.target(column);
        if (!Double.isFinite(v)) {
            return "target '" + column + "' is " + v;
        }
        if (log10 && !(v > 0)) {
            return String.format(Locale.ROOT, "target '%s' is %s; log10 needs a positive value", column, v);
        }
        return null;
    }

    double value(Record r) {
        double v = r.target(column);
        return log10 ? Math.log10(v) : v;
    }
}
