package org.xtal4j.cli;

import org.xtal4j.structure.Structure;

/** The cell transformations the CLI offers, in one place: primitive cell, Niggli reduction, supercell. */
final class CellOperations {

    private CellOperations() {
    }

    static Structure primitive(Structure s, double tolerance) {
        throw new UnsupportedOperationException("TODO geometry");
    }

    static Structure niggli(Structure s) {
        throw new UnsupportedOperationException("TODO geometry");
    }

    static Structure supercell(Structure s, int[][] matrix) {
        throw new UnsupportedOperationException("TODO geometry");
    }
}
