package org.xtal4j.io.poscar;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.function.Consumer;
import org.xtal4j.io.StructureFormat;
import org.xtal4j.structure.Structure;

/**
 * VASP POSCAR / CONTCAR (VASP 4 and 5 layouts, one structure per file).
 *
 * <p>Reading: universal scale factor (negative = target volume) or three Cartesian scale factors,
 * Direct or Cartesian coordinates (Cartesian ones scaled like the lattice), an optional
 * "Selective dynamics" block whose flags become the site property {@code selective_dynamics}
 * (1 = T, 0 = F per axis). Velocities and anything after the coordinates are ignored. Species
 * names such as {@code Fe_pv} or VASP 6's {@code Fe/hash} are reduced to the element.
 *
 * <p>A VASP 4 file (no species line) is accepted only when its comment line is exactly a list of
 * element symbols, one per count; otherwise it is rejected and the message asks for a species line.
 * pymatgen guesses species in more cases (e.g. from {@code Al8 Si4 O20}); a guess can silently give
 * the wrong crystal, so we do not.
 *
 * <p>Writing: VASP 5, scale 1, Direct coordinates. Sites are grouped by element in order of first
 * appearance, which <b>reorders</b> sites when one element occurs in several separate runs
 * (site properties are reordered with them).
 */
public final class PoscarFormat implements StructureFormat {

    @Override
    public String name() {
        return "poscar";
    }

    @Override
    public List<String> extensions() {
        return List.of(".vasp", ".poscar");
    }

    @Override
    public boolean looksLike(String head) {
        return head != null && PoscarReader.looksLike(head);
    }

    @Override
    public List<Structure> read(String text, String source, Consumer<String> warnings) {
        return List.of(new PoscarReader(text, source, warnings).read());
    }

    @Override
    public void write(List<Structure> structures, Writer out) throws IOException {
        if (structures.size() != 1) {
            throw new IllegalArgumentException("a POSCAR holds exactly one structure, got " + structures.size());
        }
        PoscarWriter.write(structures.get(0), out);
    }
}
