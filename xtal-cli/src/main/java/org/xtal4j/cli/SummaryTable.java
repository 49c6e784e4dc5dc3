package org.xtal4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The human-readable table of {@code xtal info}: one row per structure, columns sized to fit. */
final class SummaryTable {

    private static final String[] HEADER = {
        "file", "formula", "sites", "prim", "a", "b", "c", "alpha", "beta", "gamma", "volume", "density", "ordered"
    };
    /** Columns after the first two are numbers, right-aligned. */
    private static final int FIRST_NUMERIC = 2;

    private final List<String[]> rows = new ArrayList<>();

    void add(StructureSummary s, boolean showIndex) {
        rows.add(new String[] {
            showIndex ? s.file() + "#" + s.index() : s.file(),
            s.formula(),
            Integer.toString(s.sites()),
            s.primitiveSites() == null ? "-" : s.primitiveSites().toString(),
            fixed(s.a(), 4),
            fixed(s.b(), 4),
            fixed(s.c(), 4),
            fixed(s.alpha(), 3),
            fixed(s.beta(), 3),
            fixed(s.gamma(), 3),
            fixed(s.volume(), 3),
            fixed(s.density(), 4),
            s.ordered() ? "yes" : "no"
        });
    }

    void print(PrintWriter out) {
        if (rows.isEmpty()) {
            return;
        }
        int[] width = new int[HEADER.length];
        for (int k = 0; k < HEADER.length; k++) {
            width[k] = HEADER[k].length();
            for (String[] r : rows) {
                width[k] = Math.max(width[k], r[k].length());
            }
        }
        print(out, HEADER, width);
        for (String[] r : rows) {
            print(out, r, width);
        }
    }

    private static void print(PrintWriter out, String[] cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < cells.length; k++) {
            if (k > 0) {
                sb.append("  ");
            }
            String pad = " ".repeat(width[k] - cells[k].length());
            if (k >= FIRST_NUMERIC && k < cells.length - 1) {
                sb.append(pad).append(cells[k]);
            } else {
                sb.append(cells[k]).append(k == cells.length - 1 ? "" : pad);
            }
        }
        out.println(sb.toString().stripTrailing());
    }

    private static String fixed(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "-";
    }
}
