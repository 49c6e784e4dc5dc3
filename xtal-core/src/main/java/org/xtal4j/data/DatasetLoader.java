package org.xtal4j.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a data set. The form comes from the path (see {@link DatasetForm#of}) unless
 * {@link LoadOptions#form} names it:
 * <pre>{@code
 * Dataset d = DatasetLoader.load(Path.of("mp_cgcnn_36k_pool.csv.xz"),
 *         LoadOptions.defaults().targets("megnet_e_form", "megnet_gap_pbe"));
 * for (Record r : d) { ... }           // lazy, parsed in parallel, in file order
 * d.writeErrors(Path.of("errors.csv")); // rows that did not parse
 * }</pre>
 * Loading reads the head of the file to find the columns (so a missing file or unknown column fails
 * here, with a {@link DatasetException}); records are read when iterated.
 */
public final class DatasetLoader {

    private DatasetLoader() {
    }

    public static Dataset load(Path path) {
        return load(path, LoadOptions.defaults());
    }

    public static Dataset load(Path path, LoadOptions options) {
        if (!Files.exists(path)) {
            throw new DatasetException(path + ": no such file or folder");
        }
        DatasetForm form = options.form().orElseGet(() -> DatasetForm.of(path));
        RecordSource source = switch (form) {
            case CSV -> new CsvSource(path, options);
            case ID_PROP -> new IdPropSource(path, options);
            case EXTXYZ -> new ExtxyzSource(path, options);
            case JSON -> new JsonSource(path, options);
        };
        return new Dataset(source, options.parallelism(), options.strict());
    }
}
