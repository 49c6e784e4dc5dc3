package org.xtal4j.geometry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;
import org.xtal4j.symmetry.LllReduction;
import org.xtal4j.symmetry.NiggliReduction;
import org.xtal4j.symmetry.PrimitiveCellFinder;
import org.xtal4j.testing.SharedData;

/**
 * Lattice maths against the pymatgen/spglib ground truth of the reference corpus
 * ({@code shared/testdata/crystal-reference/ground-truth.json}). Structures are built directly from
 * the JSON (pymatgen matrix + species strings + fractional coordinates, present for ≤ 1000 sites),
 * so these tests do not depend on the file readers.
 *
 * <p>Tolerances follow the JSON's rounding: matrices and distances have 6 decimals, per-site
 * distance sums 4, fractional coordinates up to 8.
 */
@Tag("shared")
class GroundTruthGeometryTest {

    private static final double LENGTH_TOL = 1e-4;   // Å, reduced-cell lengths
    private static final double ANGLE_TOL = 1e-3;    // degrees
    private static final double DISTANCE_TOL = 2e-5; // Å, single distances (6-decimal JSON, 6-decimal matrix)

    /** One structure of one record, with the JSON node holding its ground truth. */
    record Case(String name, Structure structure, JsonNode truth) {
    }

    private static List<Case> cases;

    @BeforeAll
    static void load() throws IOException {
        Path json = SharedData.resolve("testdata/crystal-reference/ground-truth.json");
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        cases = new ArrayList<>();
        for (JsonNode rec : root.get("records")) {
            JsonNode structures = rec.get("structures");
            if (structures == null || !structures.isArray()) {
                continue;
            }
            for (int k = 0; k < structures.size(); k++) {
                JsonNode st = structures.get(k);
                if (!st.has("sites") || !st.has("lattice")) {
                    continue;
                }
                String name = rec.get("file").asText() + (structures.size() > 1 ? "#" + k : "");
                try {
                    cases.add(new Case(name, build(st), st));
                } catch (IllegalArgumentException e) {
                    // malformed/unknown-element.cif: pymatgen accepted the dummy type 'Qq'
                    System.out.println("not an element structure, skipped: " + name + " (" + e.getMessage() + ")");
                }
            }
        }
    }

    static Structure build(JsonNode st) {
        double[][] m = new double[3][3];
        JsonNode mat = st.get("lattice").get("matrix_pymatgen");
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                m[i][j] = mat.get(i).get(j).asDouble();
            }
        }
        List<Site> sites = new ArrayList<>();
        for (JsonNode s : st.get("sites")) {
            Map<Element, Double> species = new LinkedHashMap<>();
            for (String part : s.get("species").asText().trim().split("\\s+")) {
                int colon = part.indexOf(':');
                String symbol = colon < 0 ? part : part.substring(0, colon);
                double occ = colon < 0 ? 1.0 : Double.parseDouble(part.substring(colon + 1));
                species.merge(element(symbol), occ, Double::sum);
            }
            JsonNode f = s.get("frac");
            sites.add(new Site(species, new double[] {f.get(0).asDouble(), f.get(1).asDouble(), f.get(2).asDouble()}, null));
        }
        return Structure.of(Lattice.fromMatrix(m), sites);
    }

    /** pymatgen keeps deuterium as "D" (cod-2000583, which has no H): geometry only needs it as hydrogen. */
    private static Element element(String symbol) {
        return Element.of("D".equals(symbol) ? "H" : symbol);
    }

    @Test
    void corpusIsThere() {
        assertThat(cases).hasSizeGreaterThan(60);
    }

    /**
     * Our Niggli cells equal spglib's on every structure and pymatgen 2022.11's on all but
     * cod-9008098 (AsI3, rhombohedral axes inconsistent in the 4th decimal). pymatgen reduces the
     * metric and then maps the parameters back onto a basis of the input lattice with
     * {@code find_mapping(ltol = eps, atol = 1°)}, eps = 1e-5·V^(1/3) ≈ 6.9e-5 as a relative length
     * tolerance; for this nearly degenerate cell the first basis its search finds is a different one
     * (a = 7.208813 Å although a 7.208726 Å vector exists), within those tolerances of the Niggli
     * cell. So the test requires pymatgen's cell to lie within pymatgen's own mapping tolerances of ours.
     * The legacy mode (pymatgen's gh-3657 bug, see {@link NiggliReduction}) changes nothing here.
     */
    @Test
    void niggliCellsMatchSpglibAndPymatgen() {
        List<String> spglib = new ArrayList<>();
        List<String> pymatgen = new ArrayList<>();
        List<String> legacy = new ArrayList<>();
        for (Case c : cases) {
            Lattice l = c.structure.lattice();
            Lattice r = NiggliReduction.reduce(l).lattice();
            assertThat(NiggliReduction.isNiggliReduced(r, 1e-5)).as(c.name).isTrue();
            addIfDifferent(spglib, c.name, compareCell(r, c.truth.get("lattice").get("niggli_spglib")));
            addIfDifferent(pymatgen, c.name, compareCell(r, c.truth.get("lattice").get("niggli_pymatgen")));
            Lattice old = NiggliReduction.reduce(l, NiggliReduction.DEFAULT_TOLERANCE, true).lattice();
            addIfDifferent(legacy, c.name, compareCell(old, c.truth.get("lattice").get("niggli_pymatgen")));
        }
        report("Niggli vs spglib", spglib);
        report("Niggli vs pymatgen 2022.11", pymatgen);
        report("Niggli (legacyPymatgen) vs pymatgen 2022.11", legacy);
        assertThat(spglib).isEmpty();
        assertThat(pymatgen).hasSize(1).allSatisfy(s -> assertThat(s).startsWith("cif/cod-9008098.cif"));
        assertThat(legacy).isEqualTo(pymatgen);
        Case asi3 = cases.stream().filter(c -> c.name.equals("cif/cod-9008098.cif")).findFirst().orElseThrow();
        Lattice ours = NiggliReduction.reduce(asi3.structure.lattice()).lattice();
        JsonNode ref = asi3.truth.get("lattice").get("niggli_pymatgen");
        double eps = 1e-5 * Math.cbrt(ours.volume());
        double[] abc = doubles(ref.get("abc"));
        double[] ang = doubles(ref.get("angles"));
        for (int k = 0; k < 3; k++) {
            assertThat(Math.abs(abc[k] / ours.lengths()[k] - 1)).isLessThan(eps);
            assertThat(Math.abs(ang[k] - ours.angles()[k])).isLessThan(1.0);
        }
    }

    private static void addIfDifferent(List<String> bad, String name, String why) {
        if (why != null) {
            bad.add(name + ": " + why);
        }
    }

    @Test
    void lllLengthsMatchPymatgen() {
        List<String> bad = new ArrayList<>();
        for (Case c : cases) {
            double[] got = LllReduction.reduce(c.structure.lattice()).lattice().lengths();
            Arrays.sort(got);
            double[] want = doubles(c.truth.get("lattice").get("lll_pymatgen").get("sorted_lengths"));
            for (int k = 0; k < 3; k++) {
                if (Math.abs(got[k] - want[k]) > LENGTH_TOL) {
                    bad.add(c.name + ": " + Arrays.toString(got) + " vs " + Arrays.toString(want));
                    break;
                }
            }
        }
        report("LLL lengths", bad);
        assertThat(bad).isEmpty();
    }

    /**
     * Site counts and volumes match pymatgen at both tolerances on every structure. The reduced cells
     * match too, except cod-2310225 (body-centred tetragonal, 64 → 32 sites), where pymatgen 2022.11's
     * Niggli step leaves b = 11.606 Å > c = 10.580 Å (its gh-3657 bug); ours is the same cell with b
     * and c in Niggli order, and the legacy mode reproduces pymatgen's cell exactly.
     */
    @Test
    void primitiveCellsMatchPymatgenAtBothTolerances() {
        List<String> bad = new ArrayList<>();
        List<String> cellDiffers = new ArrayList<>();
        for (Case c : cases) {
            JsonNode prim = c.truth.get("primitive");
            for (double tol : new double[] {0.25, 0.5}) {
                JsonNode ref = prim.get(tol == 0.25 ? "pymatgen_get_primitive_structure" : "pymatgen_get_primitive_structure_tol_0.5");
                Structure p = new PrimitiveCellFinder(tol).find(c.structure);
                int n = ref.get("n_sites").asInt();
                double v = ref.get("volume").asDouble();
                if (p.size() != n || Math.abs(p.volume() - v) > 1e-5 * v + 1e-5) {
                    bad.add(c.name + " tol " + tol + ": " + p.size() + " sites, V=" + p.volume() + " vs " + n + ", " + v);
                    continue;
                }
                if (n < c.structure.size()) { // pymatgen Niggli-reduced its result: compare the cells
                    addIfDifferent(cellDiffers, c.name + " tol " + tol, compareCell(p.lattice(), ref));
                    Structure old = new PrimitiveCellFinder(tol, true).find(c.structure);
                    addIfDifferent(bad, c.name + " tol " + tol + " legacy", compareCell(old.lattice(), ref));
                    assertThat(sorted(p.lattice().lengths())).as(c.name)
                            .containsExactly(sorted(doubles(ref.get("abc"))), org.assertj.core.api.Assertions.within(LENGTH_TOL));
                }
            }
        }
        report("primitive cells: n_sites, volume (and legacy-mode cell)", bad);
        report("primitive cells: Niggli cell parameters", cellDiffers);
        assertThat(bad).isEmpty();
        assertThat(cellDiffers).hasSize(2).allSatisfy(s -> assertThat(s).startsWith("cif/cod-2310225.cif"));
    }

    private static double[] sorted(double[] v) {
        double[] r = v.clone();
        Arrays.sort(r);
        return r;
    }

    @Test
    void neighbourCountsSumsAndNearestDistancesMatchPymatgen() {
        List<String> bad = new ArrayList<>();
        int checked = 0;
        int flagged = 0;
        for (Case c : cases) {
            JsonNode nb = c.truth.get("neighbours");
            if (nb == null || nb.isNull() || !nb.has("pymatgen_counts_per_site")) {
                continue;
            }
            checked++;
            double cutoff = nb.get("cutoff").asDouble();
            NeighbourList nl = NeighbourList.of(c.structure, cutoff);
            int[] want = ints(nb.get("pymatgen_counts_per_site"));
            int[] got = nl.counts();
            if (nb.get("near_cutoff_pairs").asInt() > 0) {
                // pairs within 1e-4 Å of the cutoff: pymatgen and ASE already disagree there, so only
                // require the reference to lie between the lists just inside and just outside the cutoff
                flagged++;
                int[] inner = NeighbourList.of(c.structure, cutoff - 1e-4).counts();
                int[] outer = NeighbourList.of(c.structure, cutoff + 1e-4).counts();
                for (int i = 0; i < want.length; i++) {
                    if (want[i] < inner[i] || want[i] > outer[i]) {
                        bad.add(c.name + " site " + i + ": " + want[i] + " outside [" + inner[i] + ", " + outer[i] + "]");
                    }
                }
                continue;
            }
            if (!Arrays.equals(got, want)) {
                bad.add(c.name + " counts: " + Arrays.toString(got) + " vs " + Arrays.toString(want));
                continue;
            }
            if (nl.size() != nb.get("pymatgen_total_pairs").asInt()) {
                bad.add(c.name + " total pairs " + nl.size());
            }
            double[] sums = doubles(nb.get("pymatgen_sum_of_distances_per_site"));
            double[] nearest = doubles(nb.get("nearest_neighbour_distance_per_site"));
            for (int i = 0; i < got.length; i++) {
                double sum = 0;
                double min = Double.POSITIVE_INFINITY;
                for (int e = nl.firstEdge(i); e < nl.firstEdge(i) + nl.count(i); e++) {
                    sum += nl.distance(e);
                    min = Math.min(min, nl.distance(e));
                }
                if (Math.abs(sum - sums[i]) > 1e-3) {
                    bad.add(c.name + " site " + i + " distance sum " + sum + " vs " + sums[i]);
                }
                if (got[i] > 0 && Math.abs(min - nearest[i]) > DISTANCE_TOL) {
                    bad.add(c.name + " site " + i + " nearest " + min + " vs " + nearest[i]);
                }
            }
        }
        System.out.printf("neighbour lists: %d structures checked, %d with near-cutoff pairs%n", checked, flagged);
        report("neighbours within 5 Å", bad);
        assertThat(checked).isGreaterThan(50);
        assertThat(bad).isEmpty();
    }

    @Test
    void minimumImageDistanceMatricesMatch() {
        List<String> bad = new ArrayList<>();
        int checked = 0;
        double worst = 0;
        for (Case c : cases) {
            JsonNode ref = c.truth.get("min_image_distance_matrix");
            if (ref == null || ref.isNull() || !ref.isArray()) {
                continue;
            }
            checked++;
            double[][] d = MinimumImage.distanceMatrix(c.structure);
            for (int i = 0; i < d.length; i++) {
                for (int j = 0; j < d.length; j++) {
                    double diff = Math.abs(d[i][j] - ref.get(i).get(j).asDouble());
                    worst = Math.max(worst, diff);
                    if (diff > DISTANCE_TOL) {
                        bad.add(c.name + " (" + i + "," + j + "): " + d[i][j] + " vs " + ref.get(i).get(j).asDouble());
                    }
                }
            }
        }
        System.out.printf("minimum-image matrices: %d checked, largest difference %.2e Å%n", checked, worst);
        report("minimum-image distance matrices", bad);
        assertThat(checked).isGreaterThan(40);
        assertThat(bad).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private static String compareCell(Lattice got, JsonNode ref) {
        return compareCell(got, ref, LENGTH_TOL, ANGLE_TOL);
    }

    private static String compareCell(Lattice got, JsonNode ref, double lengthTol, double angleTol) {
        double[] abc = doubles(ref.get("abc"));
        double[] ang = doubles(ref.get("angles"));
        double[] gl = got.lengths();
        double[] ga = got.angles();
        for (int k = 0; k < 3; k++) {
            if (Math.abs(gl[k] - abc[k]) > lengthTol || Math.abs(ga[k] - ang[k]) > angleTol) {
                return String.format("got %s %s, want %s %s", fmt(gl), fmt(ga), fmt(abc), fmt(ang));
            }
        }
        return null;
    }

    private static String fmt(double[] v) {
        return String.format("[%.6f %.6f %.6f]", v[0], v[1], v[2]);
    }

    private static void report(String what, List<String> bad) {
        System.out.printf("%s: %d of %d structures match%n", what, cases.size() - (int) bad.stream()
                .map(s -> s.substring(0, s.indexOf(' ') > 0 ? s.indexOf(' ') : s.length())).distinct().count(), cases.size());
        bad.forEach(s -> System.out.println("  " + s));
    }

    private static double[] doubles(JsonNode a) {
        double[] r = new double[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asDouble();
        }
        return r;
    }

    private static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asInt();
        }
        return r;
    }
}
