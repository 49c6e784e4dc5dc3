package org.xtal4j.models.crystalformer;

/**
 * acc[at + u] += w·φ[base + u] over one radial-basis window of {@link PairImages} (u &lt; win), the innermost
 * loop of the fused lattice sums ({@link PeriodicSums}), for float32 models. A window is 8–24 bins: too short
 * for the JIT's automatic vectorisation, which unrolls past it. When the JDK's vector module is in the boot
 * layer (the launcher's {@code --add-modules jdk.incubator.vector}) and the window is a whole number of
 * 256-bit vectors, {@link VectorWindowSums} does it in explicit vector FMAs; otherwise a scalar loop.
 * {@code -Dxtal.crystalformer.vector=false} forces the scalar loops, here and for the images' weights (tests
 * compare the two).
 */
final class WindowSums {

    /** Whether jdk.incubator.vector is resolved: only then may {@link VectorWindowSums} be loaded. */
    static final boolean VECTOR_MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private WindowSums() {
    }

    /** Whether this call of the lattice sums may use {@link VectorWindowSums} at all. */
    static boolean vectorEnabled() {
        return VECTOR_MODULE && !"false".equals(System.getProperty("xtal.crystalformer.vector"));
    }

    /** Whether this call of the lattice sums may use vector FMAs for windows of {@code win} bins. */
    static boolean vectorFor(int win) {
        return vectorEnabled() && win % VectorWindowSums.LANES == 0;
    }

    static void add(boolean vector, float[] acc, int at, float[] phi, int base, int win, float w) {
        if (vector) {
            VectorWindowSums.add(acc, at, phi, base, win, w);
            return;
        }
        for (int u = 0; u < win; u++) {
            acc[at + u] += w * phi[base + u];
        }
    }

    /** Both sums of a step with gradients: acc += w·φ and accD += wd·φ. */
    static void add2(boolean vector, float[] acc, float[] accD, int at, float[] phi, int base, int win, float w,
                     float wd) {
        if (vector) {
            VectorWindowSums.add2(acc, accD, at, phi, base, win, w, wd);
            return;
        }
        for (int u = 0; u < win; u++) {
            float f = phi[base + u];
            acc[at + u] += w * f;
            accD[at + u] += wd * f;
        }
    }

    /** w[at + t − from] = mult[t]·exp(a·(d2[t] − d2min)), t in [from, to): the weights before the box test. */
    static void weights(boolean vector, double[] d2, double[] mult, int from, int to, double a, double d2min,
                        double[] w, int at) {
        if (vector) {
            VectorWindowSums.weights(d2, mult, from, to, a, d2min, w, at);
            return;
        }
        for (int t = from; t < to; t++) {
            w[at + t - from] = mult[t] * Math.exp(a * (d2[t] - d2min));
        }
    }
}
