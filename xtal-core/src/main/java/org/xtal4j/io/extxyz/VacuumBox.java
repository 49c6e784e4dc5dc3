package org.xtal4j.io.extxyz;

import org.xtal4j.structure.Lattice;

/**
 * The box given to a molecule (a frame without a Lattice): cubic, side the smallest power of two
 * ≥ 2·max|x| + 100 Å. A power of two makes x / L and back exact in binary floating point.
 */
final class VacuumBox {

    static final double VACUUM = 100.0;

    private VacuumBox() {
    }

    static Lattice forCartesian(double[][] xyz) {
        double maxAbs = 0;
        for (double[] r : xyz) {
            for (double v : r) {
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
        }
        double side = 1;
        while (side < 2 * maxAbs + VACUUM) {
            side *= 2;
        }
        return Lattice.fromMatrix(new double[][] {{side, 0, 0}, {0, side, 0}, {0, 0, side}});
    }
}
