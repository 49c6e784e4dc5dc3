package org.xtal4j.models.crystalformer;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector form of {@link WindowSums}: 256-bit float vectors (AVX2 and later), windows of a whole number of
 * them. Loaded only when jdk.incubator.vector is in the boot layer ({@link WindowSums#VECTOR_MODULE}).
 */
final class VectorWindowSums {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;

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

    /**
     * w[at + t − from] = mult[t]·exp(a·(d2[t] − d2min)) for t in [from, to), four images per vector exp (the
     * JDK's vector math library) and the rest one by one.
     */
    static void weights(double[] d2, double[] mult, int from, int to, double a, double d2min, double[] w, int at) {
        DoubleVector va = DoubleVector.broadcast(D, a);
        DoubleVector vmin = DoubleVector.broadcast(D, d2min);
        int t = from;
        int off = at - from;
        for (; t + D.length() <= to; t += D.length()) {
            DoubleVector.fromArray(D, d2, t).sub(vmin).mul(va).lanewise(VectorOperators.EXP)
                    .mul(DoubleVector.fromArray(D, mult, t)).intoArray(w, off + t);
        }
        for (; t < to; t++) {
            w[off + t] = mult[t] * Math.exp(a * (d2[t] - d2min));
        }
    }
}
