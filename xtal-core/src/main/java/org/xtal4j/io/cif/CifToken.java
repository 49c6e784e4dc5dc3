package org.xtal4j.io.cif;

/**
 * One token of a CIF file.
 *
 * @param kind what it is
 * @param text the block name (DATA), tag (TAG), or value text (VALUE); empty otherwise
 * @param quoted for VALUE: quoted string or text field
 * @param line 1-based line where the token starts
 */
record CifToken(Kind kind, String text, boolean quoted, int line) {

    enum Kind { DATA, LOOP, TAG, VALUE, SAVE, GLOBAL, STOP, EOF }

    CifValue value() {
        return new CifValue(text, quoted, line);
    }
}
