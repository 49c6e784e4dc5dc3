package org.xtal4j.data;

import java.nio.file.Files;
import java.nio.file.Path;

/** The layouts {@link DatasetLoader} reads. */
public enum DatasetForm {

    /** A CSV table with a header, one column of structure text (CIF / POSCAR / pymatgen JSON), numeric targets. */
    CSV,

    /** CGCNN/ALIGNN layout: {@code id_prop.csv} (no header: file id, target values) next to the structure files. */
    ID_PROP,

    /** Extended XYZ frames; targets are numeric frame-info values (energy, ...), forces stay on the structure. */
    EXTXYZ,

    /**
     * JSON: a pandas "split" table {@code {"index": [...], "columns": [...], "data": [[...], ...]}} as in
     * Matbench, or parallel arrays {@code {"structures": [...], "<target>": [...]}} as in MEGNet's examples.
     */
    JSON;

    /**
     * The form a path suggests: a folder or a file named {@code id_prop.csv} → {@link #ID_PROP};
     * otherwise by extension after stripping {@code .gz} / {@code .xz}: {@code .csv}, {@code .xyz} /
     * {@code .extxyz}, {@code .json}.
     *
     * @throws DatasetException when the path says nothing
     */
    public static DatasetForm of(Path path) {
        if (Files.isDirectory(path)) {
            return ID_PROP;
        }
        String n = Compression.plainName(path);
        if (n.equals("id_prop.csv")) {
            return ID_PROP;
        }
        if (n.endsWith(".csv")) {
            return CSV;
        }
        if (n.endsWith(".xyz") || n.endsWith(".extxyz")) {
            return EXTXYZ;
        }
        if (n.endsWith(".json")) {
            return JSON;
        }
        throw new DatasetException(path + ": cannot tell the data-set form from the name; expected a folder with "
                + "id_prop.csv, or .csv, .xyz, .extxyz, .json (optionally .gz/.xz); or set LoadOptions.form");
    }
}
