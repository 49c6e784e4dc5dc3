package org.xtal4j.data;

import java.util.Locale;
import java.util.Set;

/** Reading target values: empty and the usual missing-value words are NaN; anything else must be a number. */
final class Values {

    private static final Set<String> MISSING = Set.of("", "nan", "-nan", "none", "null", "na", "n/a");

    private Values() {
    }

    /** Whether the text stands for a missing value. */
    static boolean isMissing(String text) {
        return text == null || MISSING.contains(text.trim().toLowerCase(Locale.ROOT));
    }

    /** Whether the text is a number (missing-value words are not). */
    static boolean isNumber(String text) {
        if (isMissing(text)) {
            return false;
        }
        try {
            parse(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The number, or NaN for a missing value.
     *
     * @throws NumberFormatException for other text
     */
    static double parse(String text) {
        if (isMissing(text)) {
            return Double.NaN;
        }
        String t = text.trim();
        // Java accepts "1d" / "2f" suffixes and hex; data files never mean those, so refuse them
        char last = t.charAt(t.length() - 1);
        if (!(Character.isDigit(last) || last == '.' || t.endsWith("Infinity") || t.equalsIgnoreCase("inf")
                || t.equalsIgnoreCase("-inf") || t.equalsIgnoreCase("+inf")) || t.startsWith("0x") || t.startsWith("0X")) {
            throw new NumberFormatException(t);
        }
        if (t.equalsIgnoreCase("inf") || t.equalsIgnoreCase("+inf")) {
            return Double.POSITIVE_INFINITY;
        }
        if (t.equalsIgnoreCase("-inf")) {
            return Double.NEGATIVE_INFINITY;
        }
        return Double.parseDouble(t);
    }

    /** The problem text for a target that is not a number. */
    static String notANumber(String column, String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return "target '" + column + "' is '" + shown + "', not a number";
    }
}
