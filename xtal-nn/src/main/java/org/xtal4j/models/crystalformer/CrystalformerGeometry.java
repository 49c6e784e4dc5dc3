package org.xtal4j.models.crystalformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.xtal4j.geometry.LatticeTranslations;
import org.xtal4j.structure.Lattice;

/**
 * Everything geometric Crystalformer needs, computed once per batch in plain Java doubles and converted to
 * the model's precision once (crystalformer.md §6.3, §6.4, §7, §18.10). Per crystal c with n atoms
 * (edges (i, j) query-major, r_ij = p_j − p_i):
 * <ul>
 *   <li>real space: the translation box n ∈ [−R1,R1]×[−R2,R2]×[−R3,R3] large enough for the largest
 *       cutoff any head may need ({@link CrystalformerConfig#maxCutoff()}; the fixed box with
 *       {@code box = fixed}), |n_k| per translation (each head masks its own sub-box), |b_k|/2π,
 *       d²(i, j, n) = |r_ij + L n|² and the radial basis φ_k(|r_ij + L n|) for every distinct r_max;</li>
 *   <li>reciprocal space: the fixed k-box [−lattice_range, lattice_range]³, |k_n|², cos(k_n · r_ij) and
 *       log V (signed determinant, as the reference).</li>
 * </ul>
 * Nothing here depends on the head or the layer, so the arrays are shared by every layer and head. This is
 * the one place to replace when the lattice sums need a faster kernel.
 */
public final class CrystalformerGeometry {

    /** Arrays per crystal in the batch's input list. */
    public static final int SLOTS_FIXED = 6;

    /** How the real-space lattice sums are computed. */
    public enum Kernel {
        /** {@link PeriodicSums}: sorted images, early stop, multi-threaded, gradients injected (the default). */
        FUSED,
        /** {@link PeriodicEncoding}: dense (n, n, T) autograd tensors per crystal, as the reference's fallback. */
        DENSE;

        /** The kernel chosen by {@code -Dxtal.crystalformer.kernel=fused|dense} (default fused). */
        public static Kernel configured() {
            String v = System.getProperty("xtal.crystalformer.kernel", "fused");
            return switch (v.toLowerCase(java.util.Locale.ROOT)) {
                case "fused" -> FUSED;
                case "dense" -> DENSE;
                default -> throw new IllegalArgumentException(
                        "xtal.crystalformer.kernel must be fused or dense, got '" + v + "'");
            };
        }
    }

    private final CrystalformerConfig config;
    private final List<Crystal> crystals;
    private final double[] rbfMaxima;
    private final Kernel kernel;

    /** The host-side geometry of one crystal. */
    public static final class Crystal {
        final int n;
        final int[] halfWidths;        // real-space box half-widths
        final int[] translations;      // 3 ints per translation, n1 outermost
        final double[] bOver2Pi;       // |b_k|/2π
        final double[] d2;             // (n, n, T)
        final double[][] phi;          // per r_max: (n, n, T, K)
        final int kCount;              // reciprocal translations
        final double[] k2;             // (Tk)
        final double[] cosKr;          // (n, n, Tk)
        final double logVolume;
        final PairImages images;       // sorted images for the fused kernel, or null

        Crystal(int n, int[] halfWidths, int[] translations, double[] bOver2Pi, double[] d2, double[][] phi,
                int kCount, double[] k2, double[] cosKr, double logVolume, PairImages images) {
            this.n = n;
            this.halfWidths = halfWidths;
            this.translations = translations;
            this.bOver2Pi = bOver2Pi;
            this.d2 = d2;
            this.phi = phi;
            this.kCount = kCount;
            this.k2 = k2;
            this.cosKr = cosKr;
            this.logVolume = logVolume;
            this.images = images;
        }

        /** Number of real-space translations T. */
        public int translationCount() {
            return translations.length / 3;
        }

        /** Half-widths of the real-space box this crystal's arrays cover. */
        public int[] halfWidths() {
            return halfWidths.clone();
        }
    }

    private CrystalformerGeometry(CrystalformerConfig config, List<Crystal> crystals, double[] rbfMaxima,
                                  Kernel kernel) {
        this.config = config;
        this.crystals = crystals;
        this.rbfMaxima = rbfMaxima;
        this.kernel = kernel;
    }

    /** Whether layer l's real-space sums run in the fused kernel (all heads real, at most one r_max). */
    static boolean fused(CrystalformerConfig cfg, int layer, Kernel kernel) {
        return kernel == Kernel.FUSED && cfg.realHeads(layer) == cfg.headNum()
                && distinctRbfMaxima(cfg).length <= 1;
    }

    private static boolean needsImages(CrystalformerConfig cfg, Kernel kernel) {
        for (int l = 0; l < cfg.numLayers(); l++) {
            if (fused(cfg, l, kernel)) {
                return true;
            }
        }
        return false;
    }

    private static boolean needsDense(CrystalformerConfig cfg, Kernel kernel) {
        for (int l = 0; l < cfg.numLayers(); l++) {
            if (cfg.realHeads(l) > 0 && !fused(cfg, l, kernel)) {
                return true;
            }
        }
        return false;
    }

    /** The kernel this geometry was made for. */
    public Kernel kernel() {
        return kernel;
    }

    /** Whether layer l uses the fused kernel with this geometry. */
    boolean fused(int layer) {
        return fused(config, layer, kernel);
    }

    /** The sorted images of every crystal (fused kernel only). */
    List<PairImages> images() {
        List<PairImages> out = new ArrayList<>();
        for (Crystal c : crystals) {
            out.add(c.images);
        }
        return out;
    }

    /**
     * Computes the geometry of a batch. {@code lattices.get(c)} has rows t1, t2, t3 (Å);
     * {@code positions.get(c)} are the Cartesian coordinates (Å), not wrapped.
     */
    public static CrystalformerGeometry of(CrystalformerConfig config, List<double[][]> lattices,
                                           List<double[][]> positions) {
        return of(config, lattices, positions, Kernel.configured());
    }

    /** As {@link #of(CrystalformerConfig, List, List)} for the given kernel; crystals in parallel. */
    public static CrystalformerGeometry of(CrystalformerConfig config, List<double[][]> lattices,
                                           List<double[][]> positions, Kernel kernel) {
        return of(config, lattices, positions, kernel, false);
    }

    /** As above; float32 models get the radial basis cut where it falls under float32 rounding. */
    public static CrystalformerGeometry of(CrystalformerConfig config, List<double[][]> lattices,
                                           List<double[][]> positions, Kernel kernel, boolean float32) {
        double[] rbfMaxima = distinctRbfMaxima(config);
        boolean dense = needsDense(config, kernel);
        boolean images = needsImages(config, kernel);
        Crystal[] out = new Crystal[lattices.size()];
        java.util.stream.IntStream.range(0, out.length).parallel().forEach(c ->
                out[c] = crystal(config, lattices.get(c), positions.get(c), rbfMaxima, dense, images, float32));
        return new CrystalformerGeometry(config, List.of(out), rbfMaxima, kernel);
    }

    /** The distinct r_max of the real layers' radial basis functions (one per distinct r0 in practice). */
    static double[] distinctRbfMaxima(CrystalformerConfig config) {
        List<Double> out = new ArrayList<>();
        if (config.valuePeDistReal() > 0) {
            for (int l = 0; l < config.numLayers(); l++) {
                if (config.hasValuePe(l) && !out.contains(config.rbfMax(l))) {
                    out.add(config.rbfMax(l));
                }
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Index of layer l's r_max in {@link #distinctRbfMaxima}. */
    static int rbfIndex(CrystalformerConfig config, int layer) {
        double[] m = distinctRbfMaxima(config);
        for (int i = 0; i < m.length; i++) {
            if (m[i] == config.rbfMax(layer)) {
                return i;
            }
        }
        throw new IllegalStateException("layer " + layer + " has no value position encoding");
    }

    private static Crystal crystal(CrystalformerConfig cfg, double[][] m, double[][] pos, double[] rbfMaxima,
                                   boolean dense, boolean withImages, boolean float32) {
        int n = pos.length;
        double[][] b = reciprocal2Pi(m);
        double[] bOver2Pi = new double[3];
        for (int k = 0; k < 3; k++) {
            bOver2Pi[k] = norm(b[k]) / (2 * Math.PI);
        }
        double[][] r = new double[n * n][3];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int d = 0; d < 3; d++) {
                    r[i * n + j][d] = pos[j][d] - pos[i][d];
                }
            }
        }
        int[] hw = new int[3];
        int[] trans = new int[0];
        double[] d2 = new double[0];
        double[][] phi = new double[rbfMaxima.length][];
        for (int p = 0; p < phi.length; p++) {
            phi[p] = new double[0];
        }
        PairImages images = null;
        if (cfg.anyReal()) {
            if (cfg.adaptiveBoxes()) {
                int min = cfg.minimumRange() ? cfg.latticeRange() : 0;
                hw = LatticeTranslations.crystalformerHalfWidths(Lattice.fromMatrix(m), cfg.maxCutoff(), min);
            } else {
                hw = new int[] {cfg.latticeRange(), cfg.latticeRange(), cfg.latticeRange()};
            }
            if (withImages) {
                int kk = rbfMaxima.length == 1 ? cfg.valuePeDistReal() : 0;
                images = PairImages.of(m, pos, hw, bOver2Pi, kk, kk > 0 ? rbfMaxima[0] : 0, cfg.valuePeWidthScale(),
                        float32);
            }
        }
        if (cfg.anyReal() && dense) {
            trans = LatticeTranslations.box(hw);
            int t = trans.length / 3;
            d2 = new double[n * n * t];
            for (int e = 0; e < n * n; e++) {
                for (int q = 0; q < t; q++) {
                    double x = r[e][0];
                    double y = r[e][1];
                    double z = r[e][2];
                    for (int k = 0; k < 3; k++) {
                        int nk = trans[3 * q + k];
                        x += nk * m[k][0];
                        y += nk * m[k][1];
                        z += nk * m[k][2];
                    }
                    d2[e * t + q] = x * x + y * y + z * z;
                }
            }
            int kk = cfg.valuePeDistReal();
            for (int p = 0; p < rbfMaxima.length; p++) {
                double step = rbfMaxima[p] / kk;
                double w = cfg.valuePeWidthScale() * step;
                double[] f = new double[d2.length * kk];
                for (int q = 0; q < d2.length; q++) {
                    double dist = Math.sqrt(d2[q]);
                    for (int k = 0; k < kk; k++) {
                        double u = (dist - (k + 1) * step) / w; // centres μ_k = k·r_max/K, k = 1..K
                        f[q * kk + k] = Math.exp(-0.5 * u * u);
                    }
                }
                phi[p] = f;
            }
        }
        int kCount = 0;
        double[] k2 = new double[0];
        double[] cosKr = new double[0];
        double logV = 0;
        if (cfg.anyReci()) {
            int[] kt = LatticeTranslations.box(cfg.latticeRange(), cfg.latticeRange(), cfg.latticeRange());
            kCount = kt.length / 3;
            k2 = new double[kCount];
            for (int q = 0; q < kCount; q++) {
                double[] kv = new double[3];
                for (int d = 0; d < 3; d++) {
                    kv[d] = kt[3 * q] * b[0][d] + kt[3 * q + 1] * b[1][d] + kt[3 * q + 2] * b[2][d];
                }
                k2[q] = kv[0] * kv[0] + kv[1] * kv[1] + kv[2] * kv[2];
            }
            cosKr = new double[n * n * kCount];
            for (int e = 0; e < n * n; e++) {
                double[] br = {dot(b[0], r[e]), dot(b[1], r[e]), dot(b[2], r[e])}; // kr_base of the reference
                for (int q = 0; q < kCount; q++) {
                    double kr = kt[3 * q] * br[0] + kt[3 * q + 1] * br[1] + kt[3 * q + 2] * br[2];
                    cosKr[e * kCount + q] = Math.cos(kr);
                }
            }
            logV = Math.log(det(m)); // signed: NaN for a left-handed cell, as the reference
        }
        return new Crystal(n, hw, trans, bOver2Pi, d2, phi, kCount, k2, cosKr, logV, images);
    }

    /** b1 = 2π (t2×t3)/V etc., V by the explicit cofactor formula (signed). */
    static double[][] reciprocal2Pi(double[][] m) {
        double v = det(m);
        double[][] b = {cross(m[1], m[2]), cross(m[2], m[0]), cross(m[0], m[1])};
        for (double[] row : b) {
            for (int d = 0; d < 3; d++) {
                row[d] *= 2 * Math.PI / v;
            }
        }
        return b;
    }

    static double det(double[][] m) {
        return dot(m[0], cross(m[1], m[2]));
    }

    private static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    public List<Crystal> crystals() {
        return crystals;
    }

    public CrystalformerConfig config() {
        return config;
    }

    /** Number of arrays per crystal in {@link #toNDList}. */
    public int slotsPerCrystal() {
        return SLOTS_FIXED + rbfMaxima.length;
    }

    /**
     * The arrays in the model's precision: per crystal, in order, d2 (n, n, T), |n| (T, 3), |b_k|/2π (3),
     * |k|² (Tk), cos(k·r) (n, n, Tk), log V (1), then φ (n·n, T, K) for every r_max. Unused parts are empty.
     */
    public NDList toNDList(NDManager manager, DataType type) {
        NDList out = new NDList();
        for (Crystal c : crystals) {
            int t = c.translationCount();
            out.add(array(manager, c.d2, type, c.n, c.n, t));
            double[] absN = new double[c.translations.length];
            for (int q = 0; q < absN.length; q++) {
                absN[q] = Math.abs(c.translations[q]);
            }
            out.add(array(manager, absN, type, t, 3));
            out.add(array(manager, c.bOver2Pi, type, 3));
            out.add(array(manager, c.k2, type, c.kCount));
            out.add(array(manager, c.cosKr, type, c.n, c.n, c.kCount));
            out.add(array(manager, new double[] {c.logVolume}, type, 1));
            for (double[] f : c.phi) {
                out.add(array(manager, f, type, (long) c.n * c.n, t, config.valuePeDistReal()));
            }
        }
        return out;
    }

    private static NDArray array(NDManager manager, double[] v, DataType type, long... shape) {
        NDArray a = manager.create(v, new Shape(shape));
        return type == DataType.FLOAT64 ? a : a.toType(type, false);
    }

    /** One crystal's arrays, read back from a batch's input list. */
    record Arrays(NDArray d2, NDArray absN, NDArray bOver2Pi, NDArray k2, NDArray cosKr, NDArray logV,
                  List<NDArray> phi) {

        static Arrays read(NDList list, int start, int rbfCount) {
            List<NDArray> phi = new ArrayList<>();
            for (int p = 0; p < rbfCount; p++) {
                phi.add(list.get(start + SLOTS_FIXED + p));
            }
            return new Arrays(list.get(start), list.get(start + 1), list.get(start + 2), list.get(start + 3),
                    list.get(start + 4), list.get(start + 5), phi);
        }
    }
}
