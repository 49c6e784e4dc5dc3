package org.xtal4j.io.cif;

import java.util.regex.Pattern;

/** CIF numbers: {@code -1.5e-3}, {@code .25}, {@code 5.4310(2)} (the bracket is a standard uncertainty). */
final class CifNumbers {

    private static final Pattern NUMBER =
            Pattern.compile("[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?(?:\\(\\d+\\))?");

    private CifNumbers() {
    }

    /** The value, or null when {@code text} is not a CIF number. */
    static Double parse(String text) {
        if (text == null || text.length() > 64 || !NUMBER.matcher(text).matches()) {
            return null;
        }
        int bracket = text.indexOf('(');
        String s = bracket >= 0 ? text.substring(0, bracket) : text;
        double v = Double.parseDouble(s);
        return Double.isFinite(v) ? v : null;
    }
}
