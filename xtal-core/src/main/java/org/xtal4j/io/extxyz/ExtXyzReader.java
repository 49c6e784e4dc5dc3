package org.xtal4j.io.extxyz;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.xtal4j.io.StructureParseException;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/** Reads all frames of one (extended) XYZ text; see {@link ExtXyzFormat} for the mapping. */
final class ExtXyzReader {

    static final String FORCES = "forces";

    private final String[] lines;
    private final String text;
    private final String source;
    private final Consumer<String> warnings;
    private boolean warnedExtraColumns;
    private boolean warnedStringColumns;

    ExtXyzReader(String text, String source, Consumer<String> warnings) {
        this.lines = text.split("\r\n|\r|\n", -1);
        this.text = text;
        this.source = source;
        this.warnings = warnings == null ? w -> { } : warnings;
    }

    List<Structure> read() {
        List<Structure> out = new ArrayList<>();
        int i = 0;
        while (true) {
            while (i < lines.length && lines[i].isBlank()) {
                i++;
            }
            if (i >= lines.length) {
                break;
            }
            i = frame(i, out);
        }
        if (out.isEmpty()) {
            throw error(1, "empty file: no XYZ frame");
        }
        return out;
    }

    /** Reads the frame whose count line is lines[i]; returns the index after it. */
    private int frame(int i, List<Structure> out) {
        int countLine = i + 1;
        String c = lines[i].trim();
        if (!XyzNumbers.isInteger(c)) {
            throw error(countLine, "expected the atom count of frame " + (out.size() + 1) + ", found '" + abbreviate(c) + "'");
        }
        int n = Integer.parseInt(c);
        if (n <= 0) {
            throw error(countLine, "frame " + (out.size() + 1) + " has atom count " + n + "; a frame needs at least one atom");
        }
        if (i + 1 >= lines.length) {
            throw error(countLine, "the file ends after the atom count; the comment line is missing");
        }
        int infoLine = i + 2;
        Header h = header(lines[i + 1], infoLine);
        int first = i + 2;

        int total = 0;
        for (Column col : h.columns) {
            total += col.count();
        }
        // every value needs at least two characters, so larger promises cannot be kept (and must not be allocated)
        if ((long) n * total > text.length()) {
            int left = 0;
            for (int k = first; k < lines.length; k++) {
                left += lines[k].isBlank() ? 0 : 1;
            }
            throw error(countLine, "the count on line " + countLine + " promises " + n + " atoms of " + total
                    + " columns but only " + left + " lines follow");
        }
        Object[] data = new Object[h.columns.size()];
        for (int k = 0; k < data.length; k++) {
            Column col = h.columns.get(k);
            data[k] = col.type() == 'S' ? new String[n][col.count()] : new double[n][col.count()];
        }
        for (int a = 0; a < n; a++) {
            int lineNo = first + a + 1;
            if (restIsBlank(first + a)) {
                throw error(Math.min(lineNo, lines.length), "the count on line " + countLine + " promises " + n
                        + " atoms but the file ends after " + a);
            }
            String[] t = lines[first + a].trim().split("\\s+");
            if (t.length == 1 && XyzNumbers.isInteger(t[0])) {
                throw error(lineNo, "expected atom " + (a + 1) + " of " + n + " (count on line " + countLine
                        + "), found '" + t[0] + "', which looks like the next frame's atom count");
            }
            if (h.plain ? t.length < total : t.length != total) {
                throw error(lineNo, "expected " + total + " columns (" + h.spec + "), found " + (t[0].isEmpty() ? 0 : t.length));
            }
            if (h.plain && t.length > total && !warnedExtraColumns) {
                warnedExtraColumns = true;
                warnings.accept(source + ":" + lineNo + ": plain XYZ with " + t.length + " columns; columns after x y z ignored");
            }
            int pos = 0;
            for (int k = 0; k < data.length; k++) {
                Column col = h.columns.get(k);
                for (int m = 0; m < col.count(); m++, pos++) {
                    if (col.type() == 'S') {
                        ((String[][]) data[k])[a][m] = t[pos];
                    } else {
                        ((double[][]) data[k])[a][m] = value(col, t[pos], lineNo);
                    }
                }
            }
        }
        out.add(build(h, data, n, first + 1));
        return first + n;
    }

    private boolean restIsBlank(int from) {
        for (int k = from; k < lines.length; k++) {
            if (!lines[k].isBlank()) {
                return false;
            }
        }
        return true;
    }

    private double value(Column col, String tok, int lineNo) {
        switch (col.type()) {
            case 'L': {
                Boolean b = bool(tok);
                if (b == null) {
                    throw error(lineNo, "column '" + col.name() + "' needs T or F, found '" + abbreviate(tok) + "'");
                }
                return b ? 1 : 0;
            }
            case 'I':
                if (!XyzNumbers.isInteger(tok)) {
                    throw error(lineNo, "column '" + col.name() + "' needs a whole number, found '" + abbreviate(tok) + "'");
                }
                return Integer.parseInt(tok);
            default: {
                double v = XyzNumbers.parse(tok);
                if (Double.isNaN(v)) {
                    throw error(lineNo, "column '" + col.name() + "' needs a number, found '" + abbreviate(tok) + "'");
                }
                return v;
            }
        }
    }

    private Structure build(Header h, Object[] data, int n, int firstAtomLine) {
        double[][] cart = (double[][]) data[h.posColumn];
        Element[] elements = new Element[n];
        Column sc = h.columns.get(h.speciesColumn);
        for (int a = 0; a < n; a++) {
            String name = sc.type() == 'S' ? ((String[][]) data[h.speciesColumn])[a][0]
                    : Integer.toString((int) ((double[][]) data[h.speciesColumn])[a][0]);
            Optional<Element> e = element(name);
            if (e.isEmpty()) {
                throw error(firstAtomLine + a, "'" + abbreviate(name) + "' is not an element symbol");
            }
            elements[a] = e.get();
        }
        List<Site> sites = new ArrayList<>(n);
        Lattice lattice;
        int a = 0;
        try {
            lattice = h.lattice != null ? h.lattice : VacuumBox.forCartesian(cart);
            for (; a < n; a++) {
                sites.add(Site.of(elements[a], lattice.toFractional(cart[a]), elements[a].symbol()));
            }
        } catch (IllegalArgumentException e) {
            throw error(firstAtomLine + Math.min(a, n - 1), e.getMessage());
        }
        Structure.Builder b = Structure.builder().lattice(lattice).sites(sites).pbc(h.pbc[0], h.pbc[1], h.pbc[2]);
        for (Map.Entry<String, Object> e : h.info.entrySet()) {
            b.property(e.getKey(), e.getValue());
        }
        for (int k = 0; k < data.length; k++) {
            Column col = h.columns.get(k);
            if (k == h.posColumn || k == h.speciesColumn) {
                continue;
            }
            if (col.type() == 'S') {
                if (!warnedStringColumns) {
                    warnedStringColumns = true;
                    warnings.accept(source + ": text column '" + col.name() + "' ignored");
                }
                continue;
            }
            String name = col.name().equals("force") ? FORCES : col.name();
            b.siteProperty(name, (double[][]) data[k]);
        }
        return b.build();
    }

    /** What the comment line of a frame says. */
    private static final class Header {
        List<Column> columns;
        String spec;
        boolean plain;
        int speciesColumn = -1;
        int posColumn = -1;
        Lattice lattice;
        boolean[] pbc;
        Map<String, Object> info = new LinkedHashMap<>();
    }

    private Header header(String line, int lineNo) {
        Header h = new Header();
        Map<String, String> raw;
        if (!line.contains("=")) {
            raw = new LinkedHashMap<>();
            if (!line.isBlank()) {
                h.info.put("comment", line.trim());
            }
        } else {
            try {
                raw = InfoLine.parse(line);
            } catch (InfoLine.Malformed m) {
                if (line.contains("Properties=") || line.contains("Lattice=")) {
                    throw error(lineNo, m.getMessage());
                }
                warnings.accept(source + ":" + lineNo + ": comment line is not key=value pairs (" + m.getMessage()
                        + "); read as plain XYZ");
                raw = new LinkedHashMap<>();
                h.info.put("comment", line.trim());
            }
        }
        String latticeText = null;
        String pbcText = null;
        String propText = null;
        for (Iterator<Map.Entry<String, String>> it = raw.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, String> e = it.next();
            String k = e.getKey().toLowerCase(Locale.ROOT);
            if (k.equals("lattice")) {
                latticeText = e.getValue();
            } else if (k.equals("pbc")) {
                pbcText = e.getValue();
            } else if (k.equals("properties")) {
                propText = e.getValue();
            } else {
                continue;
            }
            it.remove();
        }
        // per-atom columns
        h.plain = propText == null;
        h.spec = h.plain ? "species:S:1:pos:R:3" : propText;
        StringBuilder problem = new StringBuilder();
        h.columns = Column.parse(h.spec, problem);
        if (h.columns == null) {
            throw error(lineNo, problem.toString());
        }
        for (int k = 0; k < h.columns.size(); k++) {
            Column col = h.columns.get(k);
            String name = col.name().toLowerCase(Locale.ROOT);
            if (h.posColumn < 0 && (name.equals("pos") || name.equals("positions"))) {
                if (col.type() != 'R' || col.count() != 3) {
                    throw error(lineNo, "column 'pos' must be R:3, found " + col.type() + ":" + col.count());
                }
                h.posColumn = k;
            } else if (h.speciesColumn < 0 && col.count() == 1 && ((name.equals("species") && col.type() == 'S')
                    || ((name.equals("z") || name.equals("numbers")) && col.type() == 'I'))) {
                h.speciesColumn = k;
            }
        }
        if (h.posColumn < 0) {
            throw error(lineNo, "Properties has no 'pos:R:3' column: " + h.spec);
        }
        if (h.speciesColumn < 0) {
            throw error(lineNo, "Properties has no 'species:S:1' (or 'Z:I:1') column: " + h.spec);
        }
        // cell and periodicity
        if (latticeText != null) {
            String[] t = latticeText.trim().split("\\s+");
            double[] v = new double[9];
            boolean ok = t.length == 9;
            for (int k = 0; ok && k < 9; k++) {
                v[k] = XyzNumbers.parse(t[k]);
                ok = !Double.isNaN(v[k]);
            }
            if (!ok) {
                throw error(lineNo, "Lattice needs 9 numbers (a, b, c as rows), found '" + abbreviate(latticeText) + "'");
            }
            try {
                h.lattice = Lattice.fromRowMajor(v);
            } catch (IllegalArgumentException e) {
                throw error(lineNo, "Lattice: " + e.getMessage());
            }
        }
        if (pbcText != null) {
            String[] t = pbcText.trim().split("\\s+");
            if (t.length != 1 && t.length != 3) {
                throw error(lineNo, "pbc needs 3 (or 1) T/F values, found '" + abbreviate(pbcText) + "'");
            }
            h.pbc = new boolean[3];
            for (int k = 0; k < 3; k++) {
                Boolean b = bool(t[t.length == 1 ? 0 : k]);
                if (b == null) {
                    throw error(lineNo, "pbc value '" + t[t.length == 1 ? 0 : k] + "' is not T or F");
                }
                h.pbc[k] = b;
            }
            if (h.lattice == null && (h.pbc[0] || h.pbc[1] || h.pbc[2])) {
                throw error(lineNo, "pbc is periodic (" + pbcText.trim() + ") but there is no Lattice");
            }
        } else {
            boolean p = h.lattice != null;
            h.pbc = new boolean[] {p, p, p};
        }
        // everything else is per-frame information
        for (Map.Entry<String, String> e : raw.entrySet()) {
            h.info.put(e.getKey(), infoValue(e.getKey(), e.getValue(), lineNo));
        }
        return h;
    }

    private Object infoValue(String key, String text, int lineNo) {
        String t = text.trim();
        Boolean b = bool(t);
        if (b != null) {
            return b;
        }
        String[] parts = t.isEmpty() ? new String[0] : t.split("\\s+");
        double[] v = new double[parts.length];
        boolean numeric = parts.length > 0;
        for (int k = 0; numeric && k < parts.length; k++) {
            v[k] = XyzNumbers.parse(parts[k]);
            numeric = !Double.isNaN(v[k]);
        }
        if (key.equals("stress")) {
            if (!numeric || (v.length != 9 && v.length != 6)) {
                throw error(lineNo, "stress needs 9 (3×3) or 6 (Voigt) numbers, found '" + abbreviate(t) + "'");
            }
            return v.length == 9 ? v : fromVoigt(v);
        }
        if (!numeric) {
            return text;
        }
        return v.length == 1 ? (Object) v[0] : v;
    }

    /** ASE's Voigt order xx yy zz yz xz xy → row-major 3×3. */
    static double[] fromVoigt(double[] s) {
        return new double[] {s[0], s[5], s[4], s[5], s[1], s[3], s[4], s[3], s[2]};
    }

    static Boolean bool(String s) {
        switch (s) {
            case "T": case "True": case "true": case "TRUE":
                return Boolean.TRUE;
            case "F": case "False": case "false": case "FALSE":
                return Boolean.FALSE;
            default:
                return null;
        }
    }

    static Optional<Element> element(String name) {
        if (XyzNumbers.isInteger(name)) {
            int z = Integer.parseInt(name);
            return z >= 1 && z <= Element.MAX_Z ? Optional.of(Element.of(z)) : Optional.empty();
        }
        return Element.lookup(name);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private StructureParseException error(int line, String problem) {
        return new StructureParseException(source, line, problem);
    }

    /** First non-blank line is a positive count, and the third line is "symbol x y z ...". */
    static boolean looksLike(String head) {
        String[] l = head.split("\r\n|\r|\n");
        int i = 0;
        while (i < l.length && l[i].isBlank()) {
            i++;
        }
        if (i + 2 >= l.length || !XyzNumbers.isInteger(l[i].trim())) {
            return false;
        }
        if (l[i + 1].contains("Properties=") || l[i + 1].contains("Lattice=")) {
            return true;
        }
        String[] t = l[i + 2].trim().split("\\s+");
        if (t.length < 4 || element(t[0]).isEmpty()) {
            return false;
        }
        for (int k = 1; k < 4; k++) {
            if (!XyzNumbers.isDecimal(t[k])) {
                return false;
            }
        }
        return true;
    }
}
