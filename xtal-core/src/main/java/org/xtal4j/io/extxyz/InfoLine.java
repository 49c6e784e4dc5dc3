package org.xtal4j.io.extxyz;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Splits an extended-XYZ comment line into key → raw value (ASE's key_val_str_to_dict grammar):
 * {@code key=value}, {@code key="quoted value"} (backslash escapes), {@code key=[1, 2]} or
 * {@code key={1 2}}, and bare {@code key} meaning "T". Spaces around '=' are allowed.
 */
final class InfoLine {

    /** Thrown with a short problem description; the reader adds file and line. */
    static final class Malformed extends Exception {
        Malformed(String problem) {
            super(problem);
        }
    }

    private final String s;
    private int i;

    private InfoLine(String s) {
        this.s = s;
    }

    static Map<String, String> parse(String line) throws Malformed {
        return new InfoLine(line).pairs();
    }

    private Map<String, String> pairs() throws Malformed {
        Map<String, String> out = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (i >= s.length()) {
                return out;
            }
            String key = token(true);
            if (key.isEmpty()) {
                throw new Malformed("'=' without a key at column " + (i + 1));
            }
            skipSpace();
            String value = "T";
            if (i < s.length() && s.charAt(i) == '=') {
                i++;
                skipSpace();
                value = i < s.length() ? token(false) : "";
            }
            out.put(key, value);
        }
    }

    private String token(boolean isKey) throws Malformed {
        char c = s.charAt(i);
        if (c == '"' || c == '\'') {
            return quoted(c);
        }
        if (!isKey && (c == '[' || c == '{')) {
            char close = c == '[' ? ']' : '}';
            int end = s.indexOf(close, i);
            if (end < 0) {
                throw new Malformed("'" + c + "' at column " + (i + 1) + " is never closed");
            }
            String inner = s.substring(i + 1, end);
            i = end + 1;
            return inner.replace(',', ' ').trim();
        }
        int start = i;
        while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && !(isKey && s.charAt(i) == '=')) {
            i++;
        }
        return s.substring(start, i);
    }

    private String quoted(char q) throws Malformed {
        int start = i;
        i++;
        StringBuilder sb = new StringBuilder();
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '\\' && i < s.length()) {
                char n = s.charAt(i++);
                sb.append(n == 'n' ? '\n' : n);
            } else if (c == q) {
                return sb.toString();
            } else {
                sb.append(c);
            }
        }
        throw new Malformed("quote " + q + " at column " + (start + 1) + " is never closed");
    }

    private void skipSpace() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }
}
