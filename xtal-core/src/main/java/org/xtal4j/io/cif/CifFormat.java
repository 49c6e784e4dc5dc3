package org.xtal4j.io.cif;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.xtal4j.io.StructureFormat;
import org.xtal4j.io.StructureParseException;
import org.xtal4j.structure.Structure;

/**
 * Crystallographic Information File (CIF 1.1; DDLm dotted tags such as {@code _cell.length_a} are
 * accepted too). Reading gives one P1 structure per data block that has atom sites (a
 * structureless {@code data_global} block is skipped), expanded by the file's symmetry the way
 * pymatgen's {@code CifParser(...).get_structures(primitive=False)} does; see
 * {@link CifStructureReader} for the rules and where they differ from pymatgen. Writing gives P1
 * CIF in pymatgen's {@code CifWriter} layout.
 */
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
        Consumer<String> w = warnings == null ? s -> { } : warnings;
        if (source == null) {
            source = "<input>";
        }
        if (text == null) {
            throw new StructureParseException(source, 0, "no text to read");
        }
        List<CifBlock> blocks = CifParser.parse(text, source, w);
        CifStructureReader reader = new CifStructureReader(source, w);
        List<Structure> out = new ArrayList<>();
        for (CifBlock b : blocks) {
            if (CifStructureReader.hasAtoms(b)) {
                out.add(reader.read(b));
            }
        }
        if (out.isEmpty()) {
            CifBlock last = blocks.get(blocks.size() - 1);
            throw new StructureParseException(source, last.line(), blocks.size() == 1
                    ? "data block data_" + last.name() + " has no atom sites (no _atom_site_fract_x loop)"
                    : "none of the " + blocks.size() + " data blocks has atom sites (no _atom_site_fract_x loop)");
        }
        return out;
    }

    @Override
    public void write(List<Structure> structures, Writer out) throws IOException {
        CifWriter.write(structures, out);
    }
}
