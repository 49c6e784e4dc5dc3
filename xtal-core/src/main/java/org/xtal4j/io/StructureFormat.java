package org.xtal4j.io;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.function.Consumer;
import org.xtal4j.structure.Structure;

/**
 * One structure file format (CIF, POSCAR, extended XYZ, pymatgen JSON). Implementations are
 * stateless and thread-safe.
 */
public interface StructureFormat {

    /** Short name used on the command line: "cif", "poscar", "extxyz", "json". */
    String name();

    /** File name endings (lower case, without compression suffixes) this format claims, e.g. ".cif". */
    List<String> extensions();

    /**
     * Whether text that starts with {@code head} (the first few KB of a file) looks like this
     * format; used when the extension says nothing.
     */
    boolean looksLike(String head);

    /**
     * Reads every structure in the text.
     *
     * @param text the whole file content
     * @param source file name or record id, used in error messages
     * @param warnings receives non-fatal problems (e.g. a skipped dummy atom), already prefixed with the source
     * @throws StructureParseException when the text is not a valid structure of this format
     */
    List<Structure> read(String text, String source, Consumer<String> warnings);

    /** Writes the structures; formats that hold one structure per file throw for several. */
    void write(List<Structure> structures, Writer out) throws IOException;
}
