package org.xtal4j.io.cif;

import java.util.Locale;
import org.xtal4j.io.StructureParseException;

/**
 * Splits CIF 1.1 text into tokens: {@code data_} headers, {@code loop_}, tags, and values
 * (unquoted, {@code '...'} / {@code "..."} quoted, or {@code ;} text fields), skipping comments.
 *
 * <p>Quoted strings end at the matching quote followed by whitespace ({@code 'it's'} is one value).
 * A quoted string may run over several lines, as Crystallographica writes them, but not past a line
 * that starts a tag, {@code loop_}, {@code data_} or a text field: such a string is reported as
 * unterminated.
 *
 * <p>Whitespace is exactly space, tab, line feed, form feed and vertical tab (carriage returns are
 * turned into line feeds first); every other control character is an error. One definition used
 * everywhere is what keeps the scanner from stalling on binary input.
 */
final class CifLexer {

    private final String text;
    private final String source;
    private int pos;
    private int line = 1;

    CifLexer(String raw, String source) {
        String t = raw.startsWith("\uFEFF") ? raw.substring(1) : raw;
        this.text = t.replace("\r\n", "\n").replace('\r', '\n');
        this.source = source;
        checkCharacters();
    }

    static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\u000B';
    }

    private void checkCharacters() {
        int ln = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                ln++;
            } else if ((c < 0x20 && !isWhitespace(c)) || c == 0x7f) {
                throw new StructureParseException(source, ln, String.format(Locale.ROOT,
                        "control character U+%04X is not allowed in a CIF (is this a binary file?)", (int) c));
            }
        }
    }

    /** The next token; EOF at the end (repeatedly). */
    CifToken next() {
        while (true) {
            skipWhitespace();
            if (pos >= text.length()) {
                return new CifToken(CifToken.Kind.EOF, "", false, line);
            }
            char c = text.charAt(pos);
            if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
                continue;
            }
            if (c == ';' && (pos == 0 || text.charAt(pos - 1) == '\n')) {
                return textField();
            }
            if (c == '\'' || c == '"') {
                return quoted(c);
            }
            return bare();
        }
    }

    private void skipWhitespace() {
        while (pos < text.length() && isWhitespace(text.charAt(pos))) {
            if (text.charAt(pos) == '\n') {
                line++;
            }
            pos++;
        }
    }

    private CifToken textField() {
        int startLine = line;
        int end = text.indexOf("\n;", pos);
        if (end < 0) {
            throw new StructureParseException(source, startLine,
                    "text field opened with ';' is never closed (no later line starts with ';')");
        }
        String value = text.substring(pos + 1, end);
        line += count(value, '\n') + 1;
        pos = end + 2;
        // a text field's first line is usually empty: drop that newline
        if (value.startsWith("\n")) {
            value = value.substring(1);
        }
        return new CifToken(CifToken.Kind.VALUE, value, true, startLine);
    }

    private CifToken quoted(char quote) {
        int startLine = line;
        int j = pos + 1;
        while (true) {
            if (j >= text.length()) {
                throw unterminated(quote, startLine);
            }
            char c = text.charAt(j);
            if (c == quote && (j + 1 >= text.length() || isWhitespace(text.charAt(j + 1)))) {
                break;
            }
            if (c == '\n') {
                if (startsStructuralLine(j + 1)) {
                    throw unterminated(quote, startLine);
                }
                line++;
            }
            j++;
        }
        String value = text.substring(pos + 1, j);
        pos = j + 1;
        return new CifToken(CifToken.Kind.VALUE, value, true, startLine);
    }

    private StructureParseException unterminated(char quote, int startLine) {
        return new StructureParseException(source, startLine,
                "quoted string opened with " + quote + " is not closed (no matching " + quote + " followed by a space or line end)");
    }

    /** Whether the line starting at i opens a text field or starts with a tag or reserved word. */
    private boolean startsStructuralLine(int i) {
        if (i < text.length() && text.charAt(i) == ';') {
            return true;
        }
        int k = i;
        while (k < text.length() && (text.charAt(k) == ' ' || text.charAt(k) == '\t')) {
            k++;
        }
        if (k >= text.length()) {
            return false;
        }
        if (text.charAt(k) == '_') {
            return true;
        }
        String head = text.substring(k, Math.min(text.length(), k + 5)).toLowerCase(Locale.ROOT);
        return head.equals("loop_") || head.equals("data_");
    }

    private CifToken bare() {
        int start = pos;
        while (pos < text.length() && !isWhitespace(text.charAt(pos))) {
            pos++;
        }
        String word = text.substring(start, pos);
        String lower = word.toLowerCase(Locale.ROOT);
        if (lower.startsWith("data_")) {
            return new CifToken(CifToken.Kind.DATA, word.substring(5), false, line);
        }
        if (lower.equals("loop_")) {
            return new CifToken(CifToken.Kind.LOOP, "", false, line);
        }
        if (lower.startsWith("save_")) {
            return new CifToken(CifToken.Kind.SAVE, word, false, line);
        }
        if (lower.equals("global_")) {
            return new CifToken(CifToken.Kind.GLOBAL, word, false, line);
        }
        if (lower.equals("stop_")) {
            return new CifToken(CifToken.Kind.STOP, word, false, line);
        }
        if (word.charAt(0) == '_') {
            return new CifToken(CifToken.Kind.TAG, word, false, line);
        }
        return new CifToken(CifToken.Kind.VALUE, word, false, line);
    }

    private static int count(String s, char c) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }
}
