package org.xtal4j.io.cif;

/**
 * One value of a CIF item as written in the file.
 *
 * @param text the value without its quotes or text-field delimiters
 * @param quoted whether it was quoted or a text field (then {@code ?} and {@code .} are plain text)
 * @param line 1-based line where the value starts
 */
public record CifValue(String text, boolean quoted, int line) {

    /** An unquoted {@code ?}: the value is unknown. */
    public boolean isUnknown() {
        return !quoted && text.equals("?");
    }

    /** An unquoted {@code .}: the item does not apply. */
    public boolean isInapplicable() {
        return !quoted && text.equals(".");
    }

    /** Unknown or inapplicable. */
    public boolean isMissing() {
        return isUnknown() || isInapplicable();
    }

    /**
     * The number, with a standard uncertainty in brackets dropped ({@code 5.4310(2)} → 5.4310);
     * null when the text is not a number.
     */
    public Double number() {
        return CifNumbers.parse(text);
    }
}
