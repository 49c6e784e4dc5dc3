package org.xtal4j.io.extxyz;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.function.Consumer;
import org.xtal4j.io.StructureFormat;
import org.xtal4j.structure.Structure;

/**
 * Extended XYZ in ASE's conventions, and plain XYZ; several frames per file, one structure each.
 *
 * <p>Per frame: line 1 the atom count; line 2 {@code key=value} pairs (values may be quoted with
 * {@code "..."} or bracketed with {@code [...]}/{@code {...}}; a bare key means true);
 * {@code Lattice="9 numbers"} (rows = a, b, c), {@code Properties=name:type:count:...} with types
 * S, R, I, L describing the atom columns (default {@code species:S:1:pos:R:3}), {@code pbc="T T T"}.
 *
 * <p>Mapping: {@code pos} (Cartesian, Å) becomes fractional coordinates; {@code species} (or an
 * integer {@code Z} column) the element; {@code forces} and ASE's alternative {@code force} become
 * the site property {@code forces}; every other R, I or L column becomes a site property of its
 * own name (L as 1/0); other S columns are dropped with a warning. Every other info key goes to
 * {@link Structure#properties()}: numbers as Double, several numbers as double[], T/F as Boolean,
 * anything else as String. {@code stress} is always stored as 9 numbers, row-major 3×3 (a
 * 6-number Voigt stress xx yy zz yz xz xy is expanded).
 *
 * <p>Without a Lattice the frame is a molecule: {@code pbc} is false and the lattice is a cubic
 * box of side 2^k Å, the smallest power of two ≥ 2·max|x| + 100 Å, so that fractional = x / L is
 * exact (Cartesian coordinates survive bit for bit) and periodic images stay at least 100 Å
 * away. The writer leaves that box out again.
 */
public final class ExtXyzFormat implements StructureFormat {

    @Override
    public String name() {
        return "extxyz";
    }

    @Override
    public List<String> extensions() {
        return List.of(".extxyz", ".xyz");
    }

    @Override
    public boolean looksLike(String head) {
        return head != null && ExtXyzReader.looksLike(head);
    }

    @Override
    public List<Structure> read(String text, String source, Consumer<String> warnings) {
        return new ExtXyzReader(text, source, warnings).read();
    }

    @Override
    public void write(List<Structure> structures, Writer out) throws IOException {
        ExtXyzWriter.write(structures, out);
    }
}
