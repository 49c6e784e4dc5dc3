package org.xtal4j.io.poscar;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.xtal4j.io.StructureParseException;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Mat3;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/** Reads one POSCAR text; one instance per text. See {@link PoscarFormat} for the rules. */
final class PoscarReader {

    static final String SELECTIVE_DYNAMICS = "selective_dynamics";

    /** Decimal numbers, with Fortran's d exponent; no hex, no NaN/Infinity, no Java f/d suffixes. */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eEdD][+-]?\\d+)?");

    private final String[] lines;
    private final String source;
    private final Consumer<String> warnings;

    PoscarReader(String text, String source, Consumer<String> warnings) {
        this.lines = text.split("\r\n|\r|\n", -1);
        this.source = source;
        this.warnings = warnings == null ? w -> { } : warnings;
    }

    Structure read() {
        if (lines.length == 0 || String.join("", lines).isBlank()) {
            throw error(1, "empty file");
        }
        String comment = lines[0].trim();

        // line 2: scale factor(s)
        String[] scaleTokens = tokens(2, "the scale factor");
        boolean three = scaleTokens.length >= 3 && NUMBER.matcher(scaleTokens[1]).matches()
                && NUMBER.matcher(scaleTokens[2]).matches();
        double[] scale = new double[three ? 3 : 1];
        for (int i = 0; i < scale.length; i++) {
            scale[i] = number(scaleTokens[i], 2, "scale factor");
        }
        if (scale.length == 3 && !(scale[0] > 0 && scale[1] > 0 && scale[2] > 0)) {
            throw error(2, "three scale factors must all be positive, got " + String.join(" ", scaleTokens));
        }
        if (scale.length == 1 && scale[0] == 0) {
            throw error(2, "scale factor is 0");
        }

        // lines 3-5: lattice vectors
        double[][] rows = new double[3][3];
        for (int i = 0; i < 3; i++) {
            String[] t = tokens(3 + i, "lattice vector " + (i + 1));
            if (t.length < 3) {
                throw error(3 + i, "lattice vector " + (i + 1) + " needs 3 numbers, got " + t.length);
            }
            for (int j = 0; j < 3; j++) {
                rows[i][j] = number(t[j], 3 + i, "lattice vector component");
            }
        }
        double[] cartScale = cartesianScale(scale, rows);
        for (double[] row : rows) {
            for (int j = 0; j < 3; j++) {
                row[j] *= cartScale[j];
            }
        }
        Lattice lattice;
        try {
            lattice = Lattice.fromMatrix(rows);
        } catch (IllegalArgumentException e) {
            throw error(3, e.getMessage());
        }

        // line 6: species (VASP 5) or counts (VASP 4)
        int lineNo = 6;
        String[] t6 = tokens(lineNo, "the species or counts line");
        List<Element> species;
        int[] counts;
        if (isInteger(t6[0])) {
            counts = counts(t6, lineNo);
            species = speciesFromComment(comment, counts.length, lineNo);
            lineNo++;
        } else {
            species = new ArrayList<>();
            for (String name : stripComment(t6)) {
                Optional<Element> e = PoscarSpecies.element(name);
                if (e.isEmpty()) {
                    throw error(lineNo, "'" + name + "' is not an element symbol");
                }
                species.add(e.get());
            }
            lineNo++;
            counts = counts(tokens(lineNo, "the counts line"), lineNo);
            if (counts.length != species.size()) {
                throw error(lineNo, counts.length + " counts but " + species.size() + " species on line " + (lineNo - 1));
            }
            lineNo++;
        }
        long total = 0;
        for (int c : counts) {
            total += c;
        }
        if (total == 0) {
            throw error(lineNo - 1, "the counts add up to 0 atoms");
        }
        if (total > lines.length) {
            throw error(lineNo - 1, "the counts say " + total + " atoms but the file has only " + lines.length + " lines");
        }
        int n = (int) total;

        // optional selective dynamics, then the coordinate mode
        String modeLine = line(lineNo, "the Direct/Cartesian line").trim();
        boolean selective = false;
        if (!modeLine.isEmpty() && (modeLine.charAt(0) == 's' || modeLine.charAt(0) == 'S')) {
            selective = true;
            lineNo++;
            modeLine = line(lineNo, "the Direct/Cartesian line").trim();
        }
        if (modeLine.isEmpty()) {
            throw error(lineNo, "expected 'Direct' or 'Cartesian', found an empty line");
        }
        char m = Character.toLowerCase(modeLine.charAt(0));
        boolean cartesian = m == 'c' || m == 'k';
        lineNo++;

        // coordinates
        List<Site> sites = new ArrayList<>(n);
        double[][] flags = selective ? new double[n][3] : null;
        int speciesIndex = 0;
        int left = counts[0];
        for (int i = 0; i < n; i++, lineNo++) {
            while (left == 0) {
                left = counts[++speciesIndex];
            }
            left--;
            if (lineNo > lines.length || lines[lineNo - 1].isBlank()) {
                throw error(Math.min(lineNo, lines.length), "the counts say " + n + " atoms but only " + i
                        + " coordinate lines follow");
            }
            String[] t = lines[lineNo - 1].trim().split("\\s+");
            if (t.length < 3) {
                throw error(lineNo, "a coordinate line needs 3 numbers, got '" + lines[lineNo - 1].trim() + "'");
            }
            double[] x = new double[3];
            for (int k = 0; k < 3; k++) {
                x[k] = number(t[k], lineNo, "coordinate");
            }
            if (selective) {
                if (t.length < 6) {
                    throw error(lineNo, "selective dynamics needs 3 T/F flags after the coordinates");
                }
                for (int k = 0; k < 3; k++) {
                    flags[i][k] = flag(t[3 + k], lineNo);
                }
            }
            double[] frac;
            if (cartesian) {
                frac = lattice.toFractional(new double[] {x[0] * cartScale[0], x[1] * cartScale[1], x[2] * cartScale[2]});
            } else {
                frac = x;
            }
            Element e = species.get(speciesIndex);
            try {
                sites.add(Site.of(e, frac, e.symbol()));
            } catch (IllegalArgumentException ex) {
                throw error(lineNo, ex.getMessage());
            }
        }
        Structure.Builder b = Structure.builder().lattice(lattice).sites(sites);
        if (selective) {
            b.siteProperty(SELECTIVE_DYNAMICS, flags);
        }
        return b.build();
    }

    /** Multipliers for the x, y, z components (lattice and Cartesian positions). */
    private double[] cartesianScale(double[] scale, double[][] rows) {
        if (scale.length == 3) {
            return scale;
        }
        double s = scale[0];
        if (s < 0) {
            double v = Math.abs(Mat3.det(rows));
            if (!(v > 0)) {
                throw error(3, "degenerate lattice: the vectors have zero volume, so a target volume cannot be applied");
            }
            s = Math.cbrt(-s / v);
        }
        return new double[] {s, s, s};
    }

    private List<Element> speciesFromComment(String comment, int nCounts, int countsLine) {
        String[] t = comment.isEmpty() ? new String[0] : comment.split("\\s+");
        List<Element> out = new ArrayList<>();
        for (String name : t) {
            Optional<Element> e = name.matches("[A-Za-z]{1,2}") ? Element.lookup(name) : Optional.empty();
            if (e.isEmpty()) {
                break;
            }
            out.add(e.get());
        }
        if (out.size() != t.length || out.size() != nCounts) {
            throw error(countsLine, "VASP 4 layout (counts without a species line): the species are unknown, and the"
                    + " comment line '" + comment + "' is not a plain list of " + nCounts + " element symbols; add a line"
                    + " with the element symbols (e.g. 'Si O') before the counts line");
        }
        warnings.accept(source + ": VASP 4 layout, species taken from the comment line: " + comment);
        return out;
    }

    private int[] counts(String[] t, int lineNo) {
        String[] c = stripComment(t);
        int[] out = new int[c.length];
        for (int i = 0; i < c.length; i++) {
            if (!isInteger(c[i])) {
                throw error(lineNo, "atom count '" + c[i] + "' is not a whole number");
            }
            out[i] = Integer.parseInt(c[i]);
            if (out[i] < 0) {
                throw error(lineNo, "atom count " + out[i] + " is negative");
            }
        }
        if (out.length == 0) {
            throw error(lineNo, "no atom counts");
        }
        return out;
    }

    /** Drops a trailing "! comment" or "# comment". */
    private static String[] stripComment(String[] t) {
        for (int i = 0; i < t.length; i++) {
            if (t[i].startsWith("!") || t[i].startsWith("#")) {
                String[] r = new String[i];
                System.arraycopy(t, 0, r, 0, i);
                return r;
            }
        }
        return t;
    }

    private double flag(String s, int lineNo) {
        String u = s.toUpperCase(Locale.ROOT);
        if (u.equals("T") || u.equals(".TRUE.") || u.equals("TRUE")) {
            return 1;
        }
        if (u.equals("F") || u.equals(".FALSE.") || u.equals("FALSE")) {
            return 0;
        }
        throw error(lineNo, "selective-dynamics flag '" + s + "' is not T or F");
    }

    private String line(int lineNo, String what) {
        if (restIsBlank(lineNo)) {
            throw error(Math.min(lineNo, lines.length), "file ends before " + what);
        }
        return lines[lineNo - 1];
    }

    /** True when line lineNo (1-based) and all after it are blank or absent. */
    private boolean restIsBlank(int lineNo) {
        for (int k = lineNo - 1; k < lines.length; k++) {
            if (!lines[k].isBlank()) {
                return false;
            }
        }
        return true;
    }

    private String[] tokens(int lineNo, String what) {
        String l = line(lineNo, what).trim();
        if (l.isEmpty()) {
            throw error(lineNo, "expected " + what + ", found an empty line");
        }
        return l.split("\\s+");
    }

    private double number(String s, int lineNo, String what) {
        if (NUMBER.matcher(s).matches()) {
            double v = Double.parseDouble(s.replace('d', 'e').replace('D', 'E'));
            if (Double.isFinite(v)) {
                return v;
            }
        }
        throw error(lineNo, what + " '" + s + "' is not a number");
    }

    static boolean isInteger(String s) {
        return s.matches("[+-]?\\d{1,9}");
    }

    private StructureParseException error(int line, String problem) {
        return new StructureParseException(source, line, problem);
    }

    /** Cheap structural check of the first lines, for format sniffing. */
    static boolean looksLike(String head) {
        String[] l = head.split("\r\n|\r|\n");
        if (l.length < 8) {
            return false;
        }
        String[] s = l[1].trim().split("\\s+");
        if ((s.length != 1 && s.length != 3) || !allNumbers(s, s.length)) {
            return false;
        }
        for (int i = 2; i < 5; i++) {
            if (!allNumbers(l[i].trim().split("\\s+"), 3)) {
                return false;
            }
        }
        String[] t6 = l[5].trim().split("\\s+");
        if (isInteger(t6[0])) {
            return allIntegers(t6);
        }
        for (String name : t6) {
            if (PoscarSpecies.element(name).isEmpty()) {
                return false;
            }
        }
        return allIntegers(l[6].trim().split("\\s+"));
    }

    private static boolean allNumbers(String[] t, int n) {
        if (t.length < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!NUMBER.matcher(t[i]).matches()) {
                return false;
            }
        }
        return true;
    }

    private static boolean allIntegers(String[] t) {
        for (String s : t) {
            if (!isInteger(s)) {
                return false;
            }
        }
        return true;
    }
}
