package org.xtal4j.symmetry;

import org.xtal4j.geometry.IntMat3;
import org.xtal4j.structure.Lattice;

/** A reduced lattice (LLL, Niggli) and the integer transformation that produced it: reduced = transformation · input. */
public record ReducedLattice(Lattice lattice, int[][] transformation) {

    public ReducedLattice {
        transformation = IntMat3.copy(transformation);
    }

    @Override
    public int[][] transformation() {
        return IntMat3.copy(transformation);
    }
}
