package org.xtal4j.data;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Column-name rules shared by the table loaders. */
final class Columns {

    /** Default id columns, in order of preference, matched case-insensitively. */
    static final List<String> ID_NAMES = List.of("id", "material_id", "mp_id", "file_id");

    /** Preferred structure columns when several columns hold structure text. */
    static final List<String> STRUCTURE_NAMES = List.of("structure", "cif", "poscar", "atoms");

    private Columns() {
    }

    /** Index of the id column: the named one (must exist), else the first default name present, else -1. */
    static int idColumn(List<String> names, Optional<String> named, String file) {
        if (named.isPresent()) {
            return require(names, named.get(), "id column", file);
        }
        for (String want : ID_NAMES) {
            int i = indexIgnoreCase(names, want);
            if (i >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** Index of a column that must exist (exact name first, then any case). */
    static int require(List<String> names, String name, String what, String file) {
        int i = names.indexOf(name);
        if (i < 0) {
            i = indexIgnoreCase(names, name);
        }
        if (i < 0) {
            throw new DatasetException(file + ": no " + what + " '" + name + "'; columns are " + names);
        }
        return i;
    }

    static int indexIgnoreCase(List<String> names, String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Row-number columns written by pandas and friends: never default targets. */
    static boolean indexLike(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.isEmpty() || n.equals("idx") || n.equals("index") || n.startsWith("unnamed:");
    }
}
