package org.xtal4j.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/**
 * The reference corpus's {@code ground-truth.json} (shared/testdata/crystal-reference), parsed once,
 * with the comparisons that several tests need: species strings and periodic site matching.
 */
public final class GroundTruth {

    private static JsonNode root;

    private GroundTruth() {
    }

    /** The corpus folder; skips the calling test when ../shared is absent. */
    public static Path corpus() {
        return SharedData.resolve("testdata/crystal-reference");
    }

    /** All records of ground-truth.json. */
    public static synchronized List<JsonNode> records() {
        if (root == null) {
            try {
                root = new ObjectMapper().readTree(corpus().resolve("ground-truth.json").toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<JsonNode> out = new ArrayList<>();
        root.get("records").forEach(out::add);
        return out;
    }

    /** The record of one corpus file, e.g. "cif/cod-1006141.cif". */
    public static JsonNode record(String file) {
        return records().stream().filter(r -> r.get("file").asText().equals(file)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no ground-truth record for " + file));
    }

    /**
     * Parses pymatgen's species string ("Fe", "Fe:0.5 Mg:0.5") into element symbol → occupancy.
     * Deuterium ("D") becomes "H": our element table has no isotopes and the CIF reader maps D to H.
     */
    public static Map<String, Double> parseSpecies(String s) {
        Map<String, Double> m = new HashMap<>();
        for (String part : s.trim().split("\\s+")) {
            int colon = part.indexOf(':');
            String el = colon < 0 ? part : part.substring(0, colon);
            double occ = colon < 0 ? 1.0 : Double.parseDouble(part.substring(colon + 1));
            m.merge(el.equals("D") ? "H" : el, occ, Double::sum);
        }
        return m;
    }

    /** Our site's species as element symbol → occupancy. */
    public static Map<String, Double> species(Site site) {
        Map<String, Double> m = new HashMap<>();
        site.species().forEach((k, v) -> m.put(k.symbol(), v));
        return m;
    }

    public static boolean sameSpecies(Map<String, Double> a, Map<String, Double> b, double tol) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, Double> e : a.entrySet()) {
            if (Math.abs(e.getValue() - b.get(e.getKey())) > tol) {
                return false;
            }
        }
        return true;
    }

    /** Fractional coordinates equal modulo 1 within tol per component. */
    public static boolean periodicClose(double[] a, double[] b, double tol) {
        for (int d = 0; d < 3; d++) {
            double diff = a[d] - b[d];
            diff -= Math.rint(diff);
            if (Math.abs(diff) > tol) {
                return false;
            }
        }
        return true;
    }

    /**
     * Matches our sites to the ground truth's {@code sites} array (same species, same position mod 1
     * within {@code tol}). Returns, for each of our sites, the index of its ground-truth site, or
     * null when some site has no partner.
     */
    public static int[] matchSites(Structure s, JsonNode sites, double tol) {
        int n = sites.size();
        if (n != s.size()) {
            return null;
        }
        List<Map<String, Double>> expSpecies = new ArrayList<>(n);
        List<double[]> expFrac = new ArrayList<>(n);
        for (JsonNode site : sites) {
            expSpecies.add(parseSpecies(site.path("species").asText()));
            JsonNode f = site.path("frac");
            expFrac.add(new double[] {f.get(0).asDouble(), f.get(1).asDouble(), f.get(2).asDouble()});
        }
        boolean[] used = new boolean[n];
        int[] map = new int[s.size()];
        for (int i = 0; i < s.size(); i++) {
            Site site = s.site(i);
            Map<String, Double> sp = species(site);
            int found = -1;
            for (int j = 0; j < n && found < 0; j++) {
                if (!used[j] && periodicClose(site.frac(), expFrac.get(j), tol) && sameSpecies(sp, expSpecies.get(j), 1e-4)) {
                    found = j;
                }
            }
            if (found < 0) {
                return null;
            }
            used[found] = true;
            map[i] = found;
        }
        return map;
    }
}
