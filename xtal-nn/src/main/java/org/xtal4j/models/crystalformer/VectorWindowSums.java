package org.xtal4j.models.crystalformer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector form of {@link WindowSums}: 256-bit float vectors (AVX2 and later), windows of a whole number of
 * them. Loaded only when jdk.incubator.vector is in the boot layer ({@link WindowSums#VECTOR_MODULE}).
 */
final class VectorWindowSums {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

    /** Floats per vector; windows are padded to a multiple of it ({@link PairImages#FLOAT_BLOCK}). */
    static final int LANES = 8;

    private VectorWindowSums() {
    }

    static void add(float[] acc, int at, float[] phi, int base, int win, float w) {
        FloatVector vw = FloatVector.broadcast(S, w);
        for (int u = 0; u < win; u += LANES) {
            FloatVector.fromArray(S, phi, base + u).fma(vw, FloatVector.fromArray(S, acc, at + u))
                    .intoArray(acc, at + u);
        }
    }

    static void add2(float[] acc, float[] accD, int at, float[] phi, int base, int win, float w, float wd) {
        FloatVector vw = FloatVector.broadcast(S, w);
        FloatVector vd = FloatVector.broadcast(S, wd);
        for (int u = 0; u < win; u += LANES) {
            FloatVector f = FloatVector.fromArray(S, phi, base + u);
            f.fma(vw, FloatVector.fromArray(S, acc, at + u)).intoArray(acc, at + u);
            f.fma(vd, FloatVector.fromArray(S, accD, at + u)).intoArray(accD, at + u);
        }
    }
}
