package org.xtal4j.data;

import java.util.Locale;

/**
 * Recognises structure text inside a data-set cell by its content: a CIF {@code data_} block, a
 * POSCAR, an extended-XYZ frame or a pymatgen structure dict. Returns the {@code StructureIO}
 * format name, or {@code null} when the text is not structure text (numbers, formulas, ids).
 */
final class StructureKinds {

    private StructureKinds() {
    }

    static String detect(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        if (t.isEmpty()) {
            return null;
        }
        if (t.startsWith("{")) {
            return t.contains("\"lattice\"") ? "json" : null;
        }
        String[] lines = t.split("\r?\n", 60);
        if (lines.length < 2) {
            return null;
        }
        for (String l : lines) {
            if (l.stripLeading().toLowerCase(Locale.ROOT).startsWith("data_")) {
                return "cif";
            }
        }
        if (isInteger(lines[0]) && (lines[1].contains("Lattice=") || lines[1].contains("Properties="))) {
            return "extxyz";
        }
        if (looksLikePoscar(lines)) {
            return "poscar";
        }
        return null;
    }

    /** Comment, scale (1 or 3 numbers), three lattice rows of three numbers. */
    private static boolean looksLikePoscar(String[] lines) {
        if (lines.length < 7) {
            return false;
        }
        int scale = numberCount(lines[1]);
        if (scale != 1 && scale != 3) {
            return false;
        }
        for (int i = 2; i < 5; i++) {
            if (numberCount(lines[i]) != 3) {
                return false;
            }
        }
        return true;
    }

    /** How many whitespace-separated numbers the line holds; -1 if any token is not a number. */
    private static int numberCount(String line) {
        String[] tok = line.strip().split("\\s+");
        if (tok.length == 1 && tok[0].isEmpty()) {
            return 0;
        }
        for (String s : tok) {
            if (!Values.isNumber(s)) {
                return -1;
            }
        }
        return tok.length;
    }

    private static boolean isInteger(String s) {
        try {
            Integer.parseInt(s.strip());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
