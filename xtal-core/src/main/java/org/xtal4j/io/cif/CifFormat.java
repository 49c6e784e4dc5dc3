package org.xtal4j.io.cif;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.xtal4j.io.StructureFormat;
import org.xtal4j.io.StructureParseException;
import org.xtal4j.structure.Structure;

/** Crystallographic Information File (CIF 1.1, with DDLm dotted tags accepted). */
public final class CifFormat implements StructureFormat {

    private static final Pattern DATA_BLOCK = Pattern.compile("(?im)^\\s*data_\\S*");

    public CifFormat() {
    }

    @Override
    public String name() {
        return "cif";
    }

    @Override
    public List<String> extensions() {
        return List.of(".cif");
    }

    @Override
    public boolean looksLike(String head) {
        return head != null && DATA_BLOCK.matcher(head).find();
    }

    @Override
    public List<Structure> read(String text, String source, Consumer<String> warnings) {
        throw new StructureParseException(source, 0, "CIF reading is not implemented yet");
    }

    @Override
    public void write(List<Structure> structures, Writer out) throws IOException {
        throw new UnsupportedOperationException("CIF writing is not implemented yet");
    }
}
