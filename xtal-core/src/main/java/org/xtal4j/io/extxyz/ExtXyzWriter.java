package org.xtal4j.io.extxyz;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.xtal4j.structure.Structure;

/**
 * Writes frames that ASE's extxyz reader understands: {@code Lattice} (left out for a molecule in
 * its default {@link VacuumBox}), {@code Properties=species:S:1:pos:R:3[:name:R:k...]} for every
 * site property, scalar, boolean, text and numeric-array info from {@link Structure#properties()},
 * and {@code pbc}. Numbers are written in Java's shortest exact form, so values read back are
 * identical. Info values of other types and keys that are not simple words are left out.
 */
final class ExtXyzWriter {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");
    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_.+\\-/]+");

    private ExtXyzWriter() {
    }

    static void write(List<Structure> structures, Writer out) throws IOException {
        for (Structure s : structures) {
            out.write(frame(s));
        }
    }

    private static String frame(Structure s) {
        if (!s.isOrdered()) {
            throw new IllegalArgumentException("extended XYZ cannot hold disordered sites; " + s.disorderedSiteCount()
                    + " site(s) are mixed or partially occupied");
        }
        int n = s.size();
        double[][] cart = s.cartesianCoordinates();
        StringBuilder sb = new StringBuilder();
        sb.append(n).append('\n');
        boolean[] pbc = s.pbc();
        boolean molecule = !pbc[0] && !pbc[1] && !pbc[2] && s.lattice().equals(VacuumBox.forCartesian(cart));
        if (!molecule) {
            sb.append("Lattice=\"");
            double[][] m = s.lattice().matrix();
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    sb.append(i + j > 0 ? " " : "").append(num(m[i][j]));
                }
            }
            sb.append("\" ");
        }
        sb.append("Properties=species:S:1:pos:R:3");
        List<Map.Entry<String, double[][]>> columns = s.siteProperties().entrySet().stream()
                .filter(e -> NAME.matcher(e.getKey()).matches() && e.getValue().length > 0 && e.getValue()[0].length > 0)
                .toList();
        for (Map.Entry<String, double[][]> e : columns) {
            sb.append(':').append(e.getKey()).append(":R:").append(e.getValue()[0].length);
        }
        for (Map.Entry<String, Object> e : s.properties().entrySet()) {
            String key = e.getKey();
            String low = key.toLowerCase(Locale.ROOT);
            if (!NAME.matcher(key).matches() || low.equals("lattice") || low.equals("properties") || low.equals("pbc")) {
                continue;
            }
            String v = info(e.getValue());
            if (v != null) {
                sb.append(' ').append(key).append('=').append(v);
            }
        }
        sb.append(" pbc=\"").append(tf(pbc[0])).append(' ').append(tf(pbc[1])).append(' ').append(tf(pbc[2])).append("\"\n");
        for (int i = 0; i < n; i++) {
            sb.append(String.format(Locale.ROOT, "%-3s", s.site(i).element().symbol()));
            for (double x : cart[i]) {
                sb.append(' ').append(num(x));
            }
            for (Map.Entry<String, double[][]> e : columns) {
                for (double x : e.getValue()[i]) {
                    sb.append(' ').append(num(x));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The info value as it appears after '=', or null when it cannot be written. */
    private static String info(Object v) {
        if (v instanceof Boolean b) {
            return tf(b);
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return Double.isFinite(d) ? num(d) : null;
        }
        if (v instanceof Number) {
            return v.toString();
        }
        if (v instanceof double[] a) {
            StringBuilder sb = new StringBuilder("\"");
            for (int i = 0; i < a.length; i++) {
                sb.append(i > 0 ? " " : "").append(num(a[i]));
            }
            return sb.append('"').toString();
        }
        if (v instanceof String str) {
            if (BARE.matcher(str).matches()) {
                return str;
            }
            return "\"" + str.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
        }
        return null;
    }

    private static String tf(boolean b) {
        return b ? "T" : "F";
    }

    /** Shortest text that reads back to the same double; Python's float() accepts Java's "1.0E-5". */
    static String num(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return x == 0 ? "0.0" : Long.toString((long) x) + ".0";
        }
        return Double.toString(x);
    }
}
