package org.xtal4j.symmetry;

import java.util.Arrays;
import java.util.Locale;

/**
 * A crystallographic symmetry operation in fractional coordinates, {@code x' = R x + t}, as
 * written in CIF files: {@code "-x+1/2, y, z+1/2"}. Immutable.
 *
 * <p>{@link #parse(String)} accepts the spellings found in real files: any case, spaces,
 * translations before or after the variable ({@code 1/2+y}, {@code y+0.5}), combined variables
 * ({@code x-y}), optional coefficients ({@code 2x}, {@code 2*x}) and surrounding quotes. It
 * rejects anything that is not three components, uses an unknown symbol, or gives a rotation
 * part that is not an integer matrix with determinant ±1.
 */
public final class SymmetryOperation {

    /** The identity {@code x,y,z}. */
    public static final SymmetryOperation IDENTITY =
            new SymmetryOperation(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, new double[3]);

    private static final double INTEGER_TOLERANCE = 1e-6;

    private final double[][] rotation;
    private final double[] translation;

    /**
     * @param rotation 3×3 integer-valued matrix acting on fractional column vectors
     * @param translation fractional translation
     */
    public SymmetryOperation(double[][] rotation, double[] translation) {
        if (rotation.length != 3 || translation.length != 3) {
            throw new IllegalArgumentException("a symmetry operation needs a 3×3 rotation and a 3-vector translation");
        }
        this.rotation = new double[3][];
        for (int i = 0; i < 3; i++) {
            if (rotation[i].length != 3) {
                throw new IllegalArgumentException("a symmetry operation needs a 3×3 rotation");
            }
            this.rotation[i] = rotation[i].clone();
        }
        this.translation = translation.clone();
    }

    /**
     * Parses {@code "x,y,z"}-style text.
     *
     * @throws IllegalArgumentException with a message saying what is wrong
     */
    public static SymmetryOperation parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("symmetry operation is missing");
        }
        String s = text.strip();
        if (s.length() >= 2 && (s.charAt(0) == '\'' || s.charAt(0) == '"') && s.charAt(s.length() - 1) == s.charAt(0)) {
            s = s.substring(1, s.length() - 1);
        }
        String[] parts = s.split(",", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("symmetry operation '" + text + "' has " + parts.length
                    + " component" + (parts.length == 1 ? "" : "s") + ", not 3");
        }
        double[][] r = new double[3][3];
        double[] t = new double[3];
        for (int i = 0; i < 3; i++) {
            parseComponent(parts[i], text, r[i], t, i);
        }
        for (double[] row : r) {
            for (double v : row) {
                if (Math.abs(v - Math.rint(v)) > INTEGER_TOLERANCE) {
                    throw new IllegalArgumentException("symmetry operation '" + text + "' has a non-integer coefficient " + v);
                }
            }
        }
        double det = det(r);
        if (Math.abs(Math.abs(det) - 1) > INTEGER_TOLERANCE) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "symmetry operation '%s' is not a crystallographic operation (determinant %.3g, not ±1)", text, det));
        }
        return new SymmetryOperation(r, t);
    }

    /** One component: a signed sum of terms, each a number (maybe a fraction) and/or a variable. */
    private static void parseComponent(String comp, String whole, double[] row, double[] t, int index) {
        String c = comp.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
        if (c.isEmpty()) {
            throw new IllegalArgumentException("symmetry operation '" + whole + "' has an empty component " + (index + 1));
        }
        int pos = 0;
        int n = c.length();
        while (pos < n) {
            double sign = 1;
            if (c.charAt(pos) == '+' || c.charAt(pos) == '-') {
                sign = c.charAt(pos) == '-' ? -1 : 1;
                pos++;
            } else if (pos > 0) {
                throw new IllegalArgumentException("symmetry operation '" + whole + "': expected + or - at '"
                        + c.substring(pos) + "'");
            }
            int start = pos;
            while (pos < n && (Character.isDigit(c.charAt(pos)) || c.charAt(pos) == '.')) {
                pos++;
            }
            Double value = null;
            if (pos > start) {
                value = number(c.substring(start, pos), whole);
                if (pos < n && c.charAt(pos) == '/') {
                    pos++;
                    int dStart = pos;
                    while (pos < n && (Character.isDigit(c.charAt(pos)) || c.charAt(pos) == '.')) {
                        pos++;
                    }
                    if (pos == dStart) {
                        throw new IllegalArgumentException("symmetry operation '" + whole + "' has a fraction without denominator");
                    }
                    double d = number(c.substring(dStart, pos), whole);
                    if (d == 0) {
                        throw new IllegalArgumentException("symmetry operation '" + whole + "' divides by zero");
                    }
                    value /= d;
                }
                if (pos < n && c.charAt(pos) == '*') {
                    pos++;
                    if (pos >= n || "xyz".indexOf(c.charAt(pos)) < 0) {
                        throw new IllegalArgumentException("symmetry operation '" + whole + "': '*' must be followed by x, y or z");
                    }
                }
            }
            if (pos < n && "xyz".indexOf(c.charAt(pos)) >= 0) {
                int j = c.charAt(pos) - 'x';
                row[j] += sign * (value == null ? 1 : value);
                pos++;
            } else if (value != null) {
                t[index] += sign * value;
            } else {
                String bad = pos < n ? "'" + c.charAt(pos) + "'" : "nothing";
                throw new IllegalArgumentException("symmetry operation '" + whole + "' has an unknown symbol " + bad
                        + " in component " + (index + 1) + " (only x, y, z, numbers, +, -, / are allowed)");
            }
        }
    }

    private static double number(String s, String whole) {
        try {
            double v = Double.parseDouble(s);
            if (!Double.isFinite(v) || Math.abs(v) > 1e6) {
                throw new IllegalArgumentException("symmetry operation '" + whole + "' has an implausible number '" + s + "'");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("symmetry operation '" + whole + "' has a bad number '" + s + "'");
        }
    }

    private static double det(double[][] m) {
        return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    }

    /** The image of fractional coordinates f (not wrapped into the cell). */
    public double[] apply(double[] f) {
        double[] out = new double[3];
        for (int i = 0; i < 3; i++) {
            out[i] = rotation[i][0] * f[0] + rotation[i][1] * f[1] + rotation[i][2] * f[2] + translation[i];
        }
        return out;
    }

    /** The same rotation with {@code extra} added to the translation (centring vectors). */
    public SymmetryOperation plusTranslation(double[] extra) {
        double[] t = translation.clone();
        for (int i = 0; i < 3; i++) {
            t[i] += extra[i];
        }
        return new SymmetryOperation(rotation, t);
    }

    /** The rotation part (a copy). */
    public double[][] rotation() {
        return new double[][] {rotation[0].clone(), rotation[1].clone(), rotation[2].clone()};
    }

    /** The translation part (a copy). */
    public double[] translation() {
        return translation.clone();
    }

    /** {@code "-x+1/2,y,z"}, with translations as small fractions where they are ones. */
    public String toXyz() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            if (i > 0) {
                sb.append(',');
            }
            StringBuilder c = new StringBuilder();
            for (int j = 0; j < 3; j++) {
                long k = Math.round(rotation[i][j]);
                if (k == 0) {
                    continue;
                }
                c.append(k < 0 ? "-" : (c.length() > 0 ? "+" : ""));
                if (Math.abs(k) != 1) {
                    c.append(Math.abs(k));
                }
                c.append((char) ('x' + j));
            }
            double tr = translation[i];
            if (Math.abs(tr) > 1e-12) {
                c.append(tr < 0 ? "-" : (c.length() > 0 ? "+" : "")).append(fraction(Math.abs(tr)));
            }
            sb.append(c.length() == 0 ? "0" : c);
        }
        return sb.toString();
    }

    private static String fraction(double v) {
        for (int d = 1; d <= 12; d++) {
            double n = v * d;
            if (Math.abs(n - Math.rint(n)) < 1e-9) {
                long ni = Math.round(n);
                return d == 1 ? Long.toString(ni) : ni + "/" + d;
            }
        }
        return Double.toString(v);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SymmetryOperation)) {
            return false;
        }
        SymmetryOperation s = (SymmetryOperation) o;
        return Arrays.deepEquals(rotation, s.rotation) && Arrays.equals(translation, s.translation);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.deepHashCode(rotation) + Arrays.hashCode(translation);
    }

    @Override
    public String toString() {
        return toXyz();
    }
}
