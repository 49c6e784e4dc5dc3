package org.xtal4j.structure;

import java.util.Arrays;

/**
 * A periodic lattice: three vectors a, b, c in Å, stored as the rows of a 3×3 matrix.
 * Immutable. Constructing a lattice with (near-)zero volume is an error.
 */
public final class Lattice {

    /** Volumes below this (Å³) are treated as degenerate. */
    public static final double MIN_VOLUME = 1e-6;

    private final double[][] m;
    private final double volume;
    private final double[][] inverse; // inverse of m, so frac = cart · inverse

    private Lattice(double[][] rows) {
        this.m = new double[3][];
        for (int i = 0; i < 3; i++) {
            if (rows[i].length != 3) {
                throw new IllegalArgumentException("lattice vectors must have 3 components");
            }
            this.m[i] = rows[i].clone();
            for (double v : m[i]) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("lattice matrix has a non-finite entry: " + Arrays.deepToString(rows));
                }
            }
        }
        double det = Mat3.det(m);
        double scale = norm(m[0]) * norm(m[1]) * norm(m[2]);
        if (Math.abs(det) < MIN_VOLUME || Math.abs(det) < 1e-10 * scale) {
            throw new IllegalArgumentException(String.format("degenerate lattice: volume %.3g Å³ (vectors are (nearly) coplanar)", det));
        }
        this.volume = Math.abs(det);
        this.inverse = Mat3.inverse(m);
    }

    /** A lattice from its three vectors, given as rows (Å). */
    public static Lattice fromMatrix(double[][] rows) {
        if (rows.length != 3) {
            throw new IllegalArgumentException("a lattice needs 3 vectors, got " + rows.length);
        }
        return new Lattice(rows);
    }

    /** A lattice from a row-major array of 9 numbers (a_x a_y a_z b_x ...). */
    public static Lattice fromRowMajor(double... v) {
        if (v.length != 9) {
            throw new IllegalArgumentException("a lattice needs 9 numbers, got " + v.length);
        }
        return new Lattice(new double[][] {{v[0], v[1], v[2]}, {v[3], v[4], v[5]}, {v[6], v[7], v[8]}});
    }

    /**
     * A lattice from a, b, c (Å) and α, β, γ (degrees) in pymatgen's convention: c along z,
     * a in the xz plane.
     */
    public static Lattice fromParameters(double a, double b, double c, double alpha, double beta, double gamma) {
        for (double v : new double[] {a, b, c, alpha, beta, gamma}) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("cell parameter is not a finite number");
            }
        }
        if (a <= 0 || b <= 0 || c <= 0) {
            throw new IllegalArgumentException(String.format("cell lengths must be positive, got %g %g %g", a, b, c));
        }
        for (double ang : new double[] {alpha, beta, gamma}) {
            if (ang <= 0 || ang >= 180) {
                throw new IllegalArgumentException(String.format("cell angle %g° is outside (0°, 180°)", ang));
            }
        }
        double ar = Math.toRadians(alpha);
        double br = Math.toRadians(beta);
        double gr = Math.toRadians(gamma);
        double val = (Math.cos(ar) * Math.cos(br) - Math.cos(gr)) / (Math.sin(ar) * Math.sin(br));
        val = Math.max(-1, Math.min(1, val));
        double gammaStar = Math.acos(val);
        double[] va = {a * Math.sin(br), 0.0, a * Math.cos(br)};
        double[] vb = {-b * Math.sin(ar) * Math.cos(gammaStar), b * Math.sin(ar) * Math.sin(gammaStar), b * Math.cos(ar)};
        double[] vc = {0.0, 0.0, c};
        return new Lattice(new double[][] {va, vb, vc});
    }

    /** The 3×3 matrix, rows = a, b, c (a copy). */
    public double[][] matrix() {
        return new double[][] {m[0].clone(), m[1].clone(), m[2].clone()};
    }

    /** Lattice vector i (0 = a, 1 = b, 2 = c), a copy. */
    public double[] vector(int i) {
        return m[i].clone();
    }

    /** Element (i, j) of the matrix: component j of vector i. */
    public double get(int i, int j) {
        return m[i][j];
    }

    public double a() {
        return norm(m[0]);
    }

    public double b() {
        return norm(m[1]);
    }

    public double c() {
        return norm(m[2]);
    }

    /** Lengths a, b, c. */
    public double[] lengths() {
        return new double[] {a(), b(), c()};
    }

    /** Angles α (b,c), β (a,c), γ (a,b) in degrees. */
    public double[] angles() {
        return new double[] {angle(m[1], m[2]), angle(m[0], m[2]), angle(m[0], m[1])};
    }

    public double alpha() {
        return angle(m[1], m[2]);
    }

    public double beta() {
        return angle(m[0], m[2]);
    }

    public double gamma() {
        return angle(m[0], m[1]);
    }

    /** Cell volume in Å³ (always positive). */
    public double volume() {
        return volume;
    }

    /** True when a, b, c form a right-handed set (positive determinant). */
    public boolean isRightHanded() {
        return Mat3.det(m) > 0;
    }

    /** Metric tensor G = M·Mᵀ. */
    public double[][] metricTensor() {
        return Mat3.mul(m, Mat3.transpose(m));
    }

    /** Crystallographic reciprocal lattice (no 2π): rows are a*, b*, c*, the inverse transpose. */
    public Lattice reciprocal() {
        return new Lattice(Mat3.transpose(inverse));
    }

    /** Reciprocal lattice with the factor 2π (physicists' convention). */
    public Lattice reciprocal2Pi() {
        double[][] r = Mat3.transpose(inverse);
        for (double[] row : r) {
            for (int j = 0; j < 3; j++) {
                row[j] *= 2 * Math.PI;
            }
        }
        return new Lattice(r);
    }

    /** Cartesian coordinates (Å) of fractional coordinates f: f · M. */
    public double[] toCartesian(double[] f) {
        return new double[] {
            f[0] * m[0][0] + f[1] * m[1][0] + f[2] * m[2][0],
            f[0] * m[0][1] + f[1] * m[1][1] + f[2] * m[2][1],
            f[0] * m[0][2] + f[1] * m[1][2] + f[2] * m[2][2]
        };
    }

    /** Fractional coordinates of a Cartesian point r: r · M⁻¹. */
    public double[] toFractional(double[] r) {
        double[][] v = inverse;
        return new double[] {
            r[0] * v[0][0] + r[1] * v[1][0] + r[2] * v[2][0],
            r[0] * v[0][1] + r[1] * v[1][1] + r[2] * v[2][1],
            r[0] * v[0][2] + r[1] * v[1][2] + r[2] * v[2][2]
        };
    }

    /** The inverse of the matrix (a copy): fractional = Cartesian · inverse. */
    public double[][] inverseMatrix() {
        return new double[][] {inverse[0].clone(), inverse[1].clone(), inverse[2].clone()};
    }

    /** This lattice scaled so that its volume becomes {@code newVolume}. */
    public Lattice scaledToVolume(double newVolume) {
        double s = Math.cbrt(newVolume / volume);
        double[][] r = matrix();
        for (double[] row : r) {
            for (int j = 0; j < 3; j++) {
                row[j] *= s;
            }
        }
        return new Lattice(r);
    }

    /** True when every matrix element differs by at most tol Å. */
    public boolean equalsWithin(Lattice o, double tol) {
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                if (Math.abs(m[i][j] - o.m[i][j]) > tol) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lattice l && Arrays.deepEquals(m, l.m);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(m);
    }

    @Override
    public String toString() {
        double[] ang = angles();
        return String.format("Lattice(a=%.6f b=%.6f c=%.6f α=%.4f β=%.4f γ=%.4f V=%.4f)", a(), b(), c(), ang[0], ang[1], ang[2], volume);
    }

    static double norm(double[] v) {
        return Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    }

    private static double angle(double[] u, double[] v) {
        double c = (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (norm(u) * norm(v));
        return Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, c))));
    }
}
