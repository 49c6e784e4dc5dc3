package org.xtal4j.io.json;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.function.Consumer;
import org.xtal4j.io.StructureFormat;
import org.xtal4j.structure.Structure;

/**
 * pymatgen's {@code Structure.as_dict()} JSON: one dict, a list of dicts, or a trivial wrapper
 * object whose {@code structure} (a dict) or {@code structures} (a list) holds them (other keys of
 * the wrapper are ignored with a warning).
 *
 * <p>Read: {@code lattice.matrix} (rows = a, b, c), optional {@code lattice.pbc};
 * {@code sites[].species[]} with {@code element} and {@code occu} (an {@code oxidation_state} is
 * accepted and dropped; entries of the same element are summed); {@code abc} (fractional) or, if
 * absent, {@code xyz} (Cartesian); {@code label}; numeric or boolean site {@code properties}
 * present on every site become site properties (scalars as one column, lists as k columns,
 * booleans as 1/0), others are dropped with a warning. Top-level {@code properties} and a
 * non-zero {@code charge} go to {@link Structure#properties()}.
 *
 * <p>Write: as_dict-compatible dicts (a single dict for one structure, a list otherwise) that
 * {@code Structure.from_dict} reads; {@code selective_dynamics} is written as booleans.
 */
public final class PymatgenJsonFormat implements StructureFormat {

    @Override
    public String name() {
        return "json";
    }

    @Override
    public List<String> extensions() {
        return List.of(".json");
    }

    @Override
    public boolean looksLike(String head) {
        if (head == null) {
            return false;
        }
        String t = head.stripLeading();
        return (t.startsWith("{") || t.startsWith("[")) && t.contains("\"lattice\"") && t.contains("\"sites\"");
    }

    @Override
    public List<Structure> read(String text, String source, Consumer<String> warnings) {
        return new PymatgenJsonReader(source, warnings).read(text);
    }

    @Override
    public void write(List<Structure> structures, Writer out) throws IOException {
        PymatgenJsonWriter.write(structures, out);
    }
}
