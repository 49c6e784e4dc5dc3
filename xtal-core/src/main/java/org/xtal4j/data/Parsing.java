package org.xtal4j.data;

import java.util.List;
import java.util.function.Consumer;
import org.xtal4j.io.StructureFormat;
import org.xtal4j.io.StructureIO;
import org.xtal4j.io.StructureParseException;
import org.xtal4j.structure.Structure;

/** The data layer's only contact with the structure readers. */
final class Parsing {

    private Parsing() {
    }

    /** A StructureIO format by name; an unknown name is a data-set configuration error. */
    static StructureFormat format(String name, String file) {
        try {
            return StructureIO.format(name);
        } catch (IllegalArgumentException e) {
            throw new DatasetException(file + ": " + e.getMessage(), e);
        }
    }

    /** Exactly one structure from the text. */
    static Structure one(String text, String source, StructureFormat format, Consumer<String> warnings) {
        return one(StructureIO.parse(text, source, format, warnings), source);
    }

    static Structure one(List<Structure> structures, String source) {
        if (structures.size() != 1) {
            throw new StructureParseException(source, 0,
                    "holds " + structures.size() + " structures; a data-set record needs exactly one");
        }
        return structures.get(0);
    }
}
