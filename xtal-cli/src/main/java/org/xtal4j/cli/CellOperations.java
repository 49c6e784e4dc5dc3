package org.xtal4j.cli;

import org.xtal4j.geometry.SupercellBuilder;
import org.xtal4j.structure.Structure;
import org.xtal4j.symmetry.NiggliReduction;
import org.xtal4j.symmetry.PrimitiveCellFinder;

/** The cell transformations the CLI offers, in one place: primitive cell, Niggli reduction, supercell. */
final class CellOperations {

    private CellOperations() {
    }

    /** pymatgen-style translation search (Niggli-reduced result), or the structure itself. */
    static Structure primitive(Structure s, double tolerance) {
        return PrimitiveCellFinder.primitive(s, tolerance);
    }

    static Structure niggli(Structure s) {
        return NiggliReduction.reduce(s);
    }

    /** Rows of {@code matrix} times the old lattice vectors are the new ones. */
    static Structure supercell(Structure s, int[][] matrix) {
        return SupercellBuilder.build(s, matrix);
    }
}
