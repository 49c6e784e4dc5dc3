package org.xtal4j.symmetry;

import org.xtal4j.geometry.BasisChange;
import org.xtal4j.geometry.IntMat3;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Structure;

/**
 * Niggli reduction by the Křivý–Gruber algorithm (Acta Cryst. A32 (1976) 297) with the epsilon
 * comparisons of Grosse-Kunstleve, Sauter &amp; Adams (Acta Cryst. A60 (2004) 1).
 *
 * <p>Follows pymatgen's {@code Lattice.get_niggli_reduced_lattice(tol=1e-5)}: the basis is
 * LLL-reduced first (more stable for very skewed cells), the tolerance is
 * {@code eps = tol · V^(1/3)} (Å²), and steps A1–A8 are applied in pymatgen's order. Unlike
 * pymatgen, which works on the metric tensor and then searches for a matching basis, the integer
 * transformation is tracked directly, so the reduced vectors are exact integer combinations of the
 * input ones. The result is made right-handed (all three vectors negated when needed), as in
 * pymatgen; this does not change a, b, c, α, β, γ.
 */
public final class NiggliReduction {

    /** pymatgen's default relative tolerance. */
    public static final double DEFAULT_TOLERANCE = 1e-5;

    private static final int MAX_STEPS = 1000;

    private NiggliReduction() {
    }

    public static ReducedLattice reduce(Lattice lattice) {
        return reduce(lattice, DEFAULT_TOLERANCE);
    }

    public static ReducedLattice reduce(Lattice lattice, double tolerance) {
        return reduce(lattice, tolerance, false);
    }

    /**
     * With {@code legacyPymatgen = true}, reproduces pymatgen before its fix gh-3657 (e.g. 2022.11,
     * the version of the reference corpus and of Site-Net's environment): after step A1 the
     * parameters are not recomputed, so A2 and the sign analysis of A3/A4 see the values from
     * before the swap. The result can then violate the Niggli conditions (b &gt; c), e.g. for the
     * primitive cell of cod-2310225 and for cod-9008098. Use it only to reproduce those cells.
     */
    public static ReducedLattice reduce(Lattice lattice, double tolerance, boolean legacyPymatgen) {
        ReducedLattice lll = LllReduction.reduce(lattice);
        double[][] base = lll.lattice().matrix();
        double e = tolerance * Math.cbrt(lattice.volume());
        int[][] p = IntMat3.identity(); // rows of the current basis in units of the LLL basis
        double[][] g = metric(p, base);
        for (int step = 0; step < MAX_STEPS; step++) {
            double a = g[0][0];
            double b = g[1][1];
            double c = g[2][2];
            double xi = 2 * g[1][2];
            double eta = 2 * g[0][2];
            double zeta = 2 * g[0][1];
            // A1
            if (a > b + e || (Math.abs(a - b) < e && Math.abs(xi) > Math.abs(eta) + e)) {
                p = apply(p, new int[][] {{0, -1, 0}, {-1, 0, 0}, {0, 0, -1}});
                g = metric(p, base);
                if (!legacyPymatgen) {
                    a = g[0][0];
                    b = g[1][1];
                    c = g[2][2];
                    xi = 2 * g[1][2];
                    eta = 2 * g[0][2];
                    zeta = 2 * g[0][1];
                }
            }
            // A2
            if (b > c + e || (Math.abs(b - c) < e && Math.abs(eta) > Math.abs(zeta) + e)) {
                p = apply(p, new int[][] {{-1, 0, 0}, {0, 0, -1}, {0, -1, 0}});
                g = metric(p, base);
                continue;
            }
            int l = sign(xi, e);
            int m = sign(eta, e);
            int n = sign(zeta, e);
            if (l * m * n == 1) {
                // A3: make all three products positive
                int i = l == -1 ? -1 : 1;
                int j = m == -1 ? -1 : 1;
                int k = n == -1 ? -1 : 1;
                p = apply(p, new int[][] {{i, 0, 0}, {0, j, 0}, {0, 0, k}});
                g = metric(p, base);
            } else if (l * m * n == 0 || l * m * n == -1) {
                // A4: make all non-positive, keeping det +1 through a zero entry
                int i = l == 1 ? -1 : 1;
                int j = m == 1 ? -1 : 1;
                int k = n == 1 ? -1 : 1;
                if (i * j * k == -1) {
                    if (n == 0) {
                        k = -1;
                    } else if (m == 0) {
                        j = -1;
                    } else if (l == 0) {
                        i = -1;
                    }
                }
                p = apply(p, new int[][] {{i, 0, 0}, {0, j, 0}, {0, 0, k}});
                g = metric(p, base);
            }
            a = g[0][0];
            b = g[1][1];
            c = g[2][2];
            xi = 2 * g[1][2];
            eta = 2 * g[0][2];
            zeta = 2 * g[0][1];
            // A5
            if (Math.abs(xi) > b + e || (Math.abs(xi - b) < e && 2 * eta < zeta - e)
                    || (Math.abs(xi + b) < e && zeta < -e)) {
                p = apply(p, new int[][] {{1, 0, 0}, {0, 1, -(int) Math.signum(xi)}, {0, 0, 1}});
                g = metric(p, base);
                continue;
            }
            // A6
            if (Math.abs(eta) > a + e || (Math.abs(a - eta) < e && 2 * xi < zeta - e)
                    || (Math.abs(a + eta) < e && zeta < -e)) {
                p = apply(p, new int[][] {{1, 0, -(int) Math.signum(eta)}, {0, 1, 0}, {0, 0, 1}});
                g = metric(p, base);
                continue;
            }
            // A7
            if (Math.abs(zeta) > a + e || (Math.abs(a - zeta) < e && 2 * xi < eta - e)
                    || (Math.abs(a + zeta) < e && eta < -e)) {
                p = apply(p, new int[][] {{1, -(int) Math.signum(zeta), 0}, {0, 1, 0}, {0, 0, 1}});
                g = metric(p, base);
                continue;
            }
            // A8
            double s = xi + eta + zeta + a + b;
            if (s < -e || (Math.abs(s) < e && e < zeta + 2 * (a + eta))) {
                p = apply(p, new int[][] {{1, 0, 1}, {0, 1, 1}, {0, 0, 1}});
                g = metric(p, base);
                continue;
            }
            int[][] total = IntMat3.mul(p, lll.transformation());
            if (IntMat3.det(total) < 0) {
                total = IntMat3.negate(total);
            }
            return new ReducedLattice(IntMat3.apply(total, lattice), total);
        }
        throw new IllegalStateException("Niggli reduction did not converge for " + lattice);
    }

    /**
     * The structure in its Niggli-reduced cell, sites re-expressed and wrapped into [0, 1), as
     * pymatgen's {@code get_reduced_structure()}: a structure whose cell is already reduced (identity
     * transformation) is returned unchanged, without wrapping.
     */
    public static Structure reduce(Structure structure) {
        return reduce(structure, DEFAULT_TOLERANCE);
    }

    public static Structure reduce(Structure structure, double tolerance) {
        return reduce(structure, tolerance, false);
    }

    /** Structure-level reduction, optionally with pymatgen 2022's behaviour (see {@link #reduce(Lattice, double, boolean)}). */
    public static Structure reduce(Structure structure, double tolerance, boolean legacyPymatgen) {
        if (!structure.isFullyPeriodic()) {
            throw new IllegalArgumentException("Niggli reduction needs a structure periodic in 3D");
        }
        ReducedLattice r = reduce(structure.lattice(), tolerance, legacyPymatgen);
        if (IntMat3.isIdentity(r.transformation())) {
            return structure;
        }
        return BasisChange.apply(structure, r.transformation(), true);
    }

    /**
     * True when the metric of this lattice satisfies the Niggli conditions (main and special
     * conditions of Křivý–Gruber) within eps = tol·V^(1/3).
     */
    public static boolean isNiggliReduced(Lattice lattice, double tolerance) {
        double[][] g = lattice.metricTensor();
        double e = tolerance * Math.cbrt(lattice.volume());
        double a = g[0][0];
        double b = g[1][1];
        double c = g[2][2];
        double xi = 2 * g[1][2];
        double eta = 2 * g[0][2];
        double zeta = 2 * g[0][1];
        if (a > b + e || b > c + e) {
            return false;
        }
        if (Math.abs(a - b) < e && Math.abs(xi) > Math.abs(eta) + e) {
            return false;
        }
        if (Math.abs(b - c) < e && Math.abs(eta) > Math.abs(zeta) + e) {
            return false;
        }
        int l = sign(xi, e);
        int m = sign(eta, e);
        int n = sign(zeta, e);
        boolean allPositive = l == 1 && m == 1 && n == 1;
        boolean allNonPositive = l <= 0 && m <= 0 && n <= 0;
        if (!allPositive && !allNonPositive) {
            return false;
        }
        if (Math.abs(xi) > b + e || Math.abs(eta) > a + e || Math.abs(zeta) > a + e) {
            return false;
        }
        if (xi + eta + zeta + a + b < -e) {
            return false;
        }
        // special conditions on the boundaries of the reduced domain
        if (Math.abs(xi - b) < e && 2 * eta < zeta - e) {
            return false;
        }
        if (Math.abs(eta - a) < e && 2 * xi < zeta - e) {
            return false;
        }
        if (Math.abs(zeta - a) < e && 2 * xi < eta - e) {
            return false;
        }
        if (Math.abs(xi + b) < e && zeta < -e) {
            return false;
        }
        if (Math.abs(eta + a) < e && zeta < -e) {
            return false;
        }
        if (Math.abs(zeta + a) < e && eta < -e) {
            return false;
        }
        return !(Math.abs(xi + eta + zeta + a + b) < e && 2 * (a + eta) + zeta > e);
    }

    private static int sign(double v, double e) {
        return Math.abs(v) < e ? 0 : (v > 0 ? 1 : -1);
    }

    /** Basis change C in Křivý–Gruber's column convention: G' = Cᵀ G C, new rows = Cᵀ · rows. */
    private static int[][] apply(int[][] p, int[][] c) {
        int[][] ct = new int[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                ct[i][j] = c[j][i];
            }
        }
        return IntMat3.mul(ct, p);
    }

    private static double[][] metric(int[][] p, double[][] base) {
        double[][] v = IntMat3.apply(p, base);
        double[][] g = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                g[i][j] = v[i][0] * v[j][0] + v[i][1] * v[j][1] + v[i][2] * v[j][2];
            }
        }
        return g;
    }
}
