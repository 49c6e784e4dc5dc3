package org.xtal4j.cli;

import java.util.Arrays;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An integer supercell matrix given as {@code 2x2x2} (diagonal) or as 9 integers, row by row
 * ({@code "2 0 0 0 2 0 0 0 1"}; spaces or commas). New lattice vectors are rows of M times the old
 * ones, so the supercell holds det(M) copies of the cell.
 */
record SupercellMatrix(int[][] rows) {

    SupercellMatrix {
        rows = new int[][] {rows[0].clone(), rows[1].clone(), rows[2].clone()};
    }

    @Override
    public int[][] rows() {
        return new int[][] {rows[0].clone(), rows[1].clone(), rows[2].clone()};
    }

    long determinant() {
        int[][] m = rows;
        return (long) m[0][0] * ((long) m[1][1] * m[2][2] - (long) m[1][2] * m[2][1])
                - (long) m[0][1] * ((long) m[1][0] * m[2][2] - (long) m[1][2] * m[2][0])
                + (long) m[0][2] * ((long) m[1][0] * m[2][1] - (long) m[1][1] * m[2][0]);
    }

    static SupercellMatrix parse(String text) {
        String t = text.trim();
        String[] parts = t.toLowerCase().matches("\\d+\\s*x\\s*\\d+\\s*x\\s*\\d+")
                ? t.toLowerCase().split("\\s*x\\s*")
                : t.split("[\\s,]+");
        if (parts.length != 3 && parts.length != 9) {
            throw new TypeConversionException("'" + text + "' is not a supercell: give NxNxN (e.g. 2x2x2) or 9 integers");
        }
        int[] v = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                v[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + text + "' is not a supercell: '" + parts[i] + "' is not an integer");
            }
        }
        int[][] m = new int[3][3];
        if (v.length == 3) {
            for (int k = 0; k < 3; k++) {
                m[k][k] = v[k];
            }
        } else {
            for (int k = 0; k < 9; k++) {
                m[k / 3][k % 3] = v[k];
            }
        }
        SupercellMatrix s = new SupercellMatrix(m);
        if (s.determinant() <= 0) {
            throw new TypeConversionException("'" + text + "' is not a supercell: its determinant is "
                    + s.determinant() + " (it must be positive)");
        }
        if (s.determinant() > 1_000_000) {
            throw new TypeConversionException("'" + text + "' would make " + s.determinant() + " copies of the cell");
        }
        return s;
    }

    @Override
    public String toString() {
        return Arrays.deepToString(rows);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SupercellMatrix s && Arrays.deepEquals(rows, s.rows);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(rows);
    }

    /** picocli converter for {@code --supercell}. */
    static final class Converter implements ITypeConverter<SupercellMatrix> {
        @Override
        public SupercellMatrix convert(String value) {
            return parse(value);
        }
    }
}
