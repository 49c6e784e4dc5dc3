package org.xtal4j.spark;

import java.util.Arrays;
import org.apache.spark.sql.types.StructType;

/** Column names the job adds, and finding the input's id and structure columns. */
final class Columns {

    static final String ERROR = "error";
    static final String STD_SUFFIX = "_std";

    private Columns() {
    }

    static String structure(StructType schema, ScreenOptions options) {
        if (options.structureColumn().isPresent()) {
            String c = options.structureColumn().get();
            require(schema, c, "structure");
            return c;
        }
        for (String c : ScreenOptions.STRUCTURE_COLUMNS) {
            if (Arrays.asList(schema.fieldNames()).contains(c)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no structure column: the input has " + Arrays.toString(schema.fieldNames())
                + "; name one with --structure-column (looked for " + ScreenOptions.STRUCTURE_COLUMNS + ")");
    }

    static String id(StructType schema, ScreenOptions options) {
        require(schema, options.idColumn(), "id");
        return options.idColumn();
    }

    static void require(StructType schema, String column, String what) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("the input has no " + what + " column '" + column + "' (columns: "
                    + Arrays.toString(schema.fieldNames()) + ")");
        }
    }

    static int index(StructType schema, String column) {
        return Arrays.asList(schema.fieldNames()).indexOf(column);
    }
}
