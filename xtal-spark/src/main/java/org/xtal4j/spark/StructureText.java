package org.xtal4j.spark;

import java.util.List;
import org.xtal4j.io.StructureFormat;
import org.xtal4j.io.StructureIO;
import org.xtal4j.io.StructureParseException;
import org.xtal4j.structure.Structure;

/** One structure from the text of a table cell: CIF, POSCAR or pymatgen JSON, named or recognised. */
final class StructureText {

    private StructureText() {
    }

    /**
     * @param format cif, poscar or json; null to recognise the text by its content
     * @throws RuntimeException (usually {@link StructureParseException}) saying what is wrong with the text
     */
    static Structure parse(String text, String id, String format) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the structure cell is empty");
        }
        String source = id == null ? "row" : id;
        StructureFormat f = format != null ? StructureIO.format(format) : StructureIO.detect("", text);
        List<Structure> s = StructureIO.parse(text, source, f, null);
        if (s.size() != 1) {
            throw new StructureParseException(source, 0, "holds " + s.size() + " structures; a row needs exactly one");
        }
        return s.get(0);
    }

    /** A one-line error text for a row. */
    static String describe(Throwable e) {
        String m = e.getMessage();
        if (e instanceof StructureParseException || e instanceof IllegalArgumentException) {
            return m != null ? m.strip() : e.getClass().getSimpleName();
        }
        return e.getClass().getSimpleName() + (m != null ? ": " + m.strip() : "");
    }
}
