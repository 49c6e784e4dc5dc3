package org.xtal4j.io.poscar;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/** Writes one ordered structure as a VASP 5 POSCAR with Direct coordinates. */
final class PoscarWriter {

    private PoscarWriter() {
    }

    static void write(Structure s, Writer out) throws IOException {
        if (!s.isOrdered()) {
            throw new IllegalArgumentException("POSCAR cannot hold disordered sites; " + s.disorderedSiteCount()
                    + " site(s) are mixed or partially occupied");
        }
        // group sites by element, in order of first appearance (this may reorder sites)
        Map<Element, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < s.size(); i++) {
            groups.computeIfAbsent(s.site(i).element(), e -> new ArrayList<>()).add(i);
        }
        double[][] flags = s.siteProperties().get(PoscarReader.SELECTIVE_DYNAMICS);
        if (flags != null && flags.length > 0 && flags[0].length != 3) {
            flags = null; // not something VASP understands
        }
        StringBuilder sb = new StringBuilder();
        StringBuilder formula = new StringBuilder();
        for (Map.Entry<Element, List<Integer>> g : groups.entrySet()) {
            formula.append(formula.length() > 0 ? " " : "").append(g.getKey().symbol()).append(g.getValue().size());
        }
        sb.append(formula.length() > 0 ? formula : "empty").append('\n');
        sb.append("1.0\n");
        for (double[] row : s.lattice().matrix()) {
            sb.append(String.format(Locale.ROOT, "  %22.16f %22.16f %22.16f\n", row[0], row[1], row[2]));
        }
        StringBuilder names = new StringBuilder();
        StringBuilder counts = new StringBuilder();
        for (Map.Entry<Element, List<Integer>> g : groups.entrySet()) {
            names.append(' ').append(g.getKey().symbol());
            counts.append(' ').append(g.getValue().size());
        }
        sb.append(names).append('\n').append(counts).append('\n');
        if (flags != null) {
            sb.append("Selective dynamics\n");
        }
        sb.append("Direct\n");
        for (List<Integer> g : groups.values()) {
            for (int i : g) {
                Site site = s.site(i);
                sb.append(String.format(Locale.ROOT, "  %22.16f %22.16f %22.16f", site.frac(0), site.frac(1), site.frac(2)));
                if (flags != null) {
                    for (int k = 0; k < 3; k++) {
                        sb.append(flags[i][k] != 0 ? " T" : " F");
                    }
                }
                sb.append(' ').append(site.element().symbol()).append('\n');
            }
        }
        out.write(sb.toString());
    }
}
