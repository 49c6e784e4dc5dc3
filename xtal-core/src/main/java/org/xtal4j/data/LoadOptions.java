package org.xtal4j.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How {@link DatasetLoader} reads a data set. Immutable; every setter returns a copy. All settings
 * are optional: by default the form comes from the path, the structure column is found by content,
 * the id column is the first of {@code id, material_id, mp_id, file_id} (any case) and the targets
 * are the numeric columns.
 */
public final class LoadOptions {

    private final DatasetForm form;
    private final String structureColumn;
    private final String structureFormat;
    private final String idColumn;
    private final List<String> targets;
    private final Path structureDir;
    private final int parallelism;
    private final boolean strict;

    private LoadOptions(DatasetForm form, String structureColumn, String structureFormat, String idColumn,
                        List<String> targets, Path structureDir, int parallelism, boolean strict) {
        this.form = form;
        this.structureColumn = structureColumn;
        this.structureFormat = structureFormat;
        this.idColumn = idColumn;
        this.targets = targets == null ? null : List.copyOf(targets);
        this.structureDir = structureDir;
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
        }
        this.parallelism = parallelism;
        this.strict = strict;
    }

    public static LoadOptions defaults() {
        return new LoadOptions(null, null, null, null, null, null, Dataset.defaultParallelism(), false);
    }

    /** Overrides the form suggested by the path. */
    public LoadOptions form(DatasetForm f) {
        return new LoadOptions(f, structureColumn, structureFormat, idColumn, targets, structureDir, parallelism, strict);
    }

    /** The column holding structure text (CSV, JSON). */
    public LoadOptions structureColumn(String column) {
        return new LoadOptions(form, column, structureFormat, idColumn, targets, structureDir, parallelism, strict);
    }

    /** The StructureIO format of the structure text or files ("cif", "poscar", "json", "extxyz"), instead of detecting it. */
    public LoadOptions structureFormat(String name) {
        return new LoadOptions(form, structureColumn, name, idColumn, targets, structureDir, parallelism, strict);
    }

    /** The column (CSV, JSON) or frame-info key (extxyz) holding record ids. */
    public LoadOptions idColumn(String column) {
        return new LoadOptions(form, structureColumn, structureFormat, column, targets, structureDir, parallelism, strict);
    }

    /**
     * The target columns (CSV, JSON) or frame-info keys (extxyz), in order; for {@code id_prop.csv},
     * the names given to its value columns (default {@code target0, target1, ...}).
     */
    public LoadOptions targets(String... names) {
        return targets(List.of(names));
    }

    public LoadOptions targets(List<String> names) {
        return new LoadOptions(form, structureColumn, structureFormat, idColumn, names, structureDir, parallelism, strict);
    }

    /** For {@code id_prop.csv}: the folder of structure files (default: the folder of id_prop.csv). */
    public LoadOptions structureDir(Path dir) {
        return new LoadOptions(form, structureColumn, structureFormat, idColumn, targets, dir, parallelism, strict);
    }

    /** Threads that parse structures (default: available processors). */
    public LoadOptions parallelism(int threads) {
        return new LoadOptions(form, structureColumn, structureFormat, idColumn, targets, structureDir, threads, strict);
    }

    /** Throw on the first bad record instead of logging it (default false). */
    public LoadOptions strict(boolean on) {
        return new LoadOptions(form, structureColumn, structureFormat, idColumn, targets, structureDir, parallelism, on);
    }

    public Optional<DatasetForm> form() {
        return Optional.ofNullable(form);
    }

    public Optional<String> structureColumn() {
        return Optional.ofNullable(structureColumn);
    }

    public Optional<String> structureFormat() {
        return Optional.ofNullable(structureFormat);
    }

    public Optional<String> idColumn() {
        return Optional.ofNullable(idColumn);
    }

    public Optional<List<String>> targets() {
        return Optional.ofNullable(targets);
    }

    public Optional<Path> structureDir() {
        return Optional.ofNullable(structureDir);
    }

    public int parallelism() {
        return parallelism;
    }

    public boolean strict() {
        return strict;
    }
}
