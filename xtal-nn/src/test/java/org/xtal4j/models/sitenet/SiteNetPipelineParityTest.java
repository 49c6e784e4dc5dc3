package org.xtal4j.models.sitenet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xtal4j.nn.io.NamedTensors;
import org.xtal4j.nn.io.Safetensors;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;
import org.xtal4j.testing.SharedData;

/**
 * The Site-Net input pipeline against the reference's own outputs
 * ({@code testdata/sitenet-parity/pipeline.json}, {@code pipeline.safetensors}; pymatgen 2022.11.7,
 * matminer 0.7.4) for all 10 fixture crystals and N_max = 50, 100, 500.
 */
@Tag("shared")
class SiteNetPipelineParityTest {

    private static JsonNode pipeline;
    private static NamedTensors tensors;
    private static JsonNode magpieTable;

    @BeforeAll
    static void load() throws Exception {
        Path dir = SharedData.resolve("testdata/sitenet-parity");
        ObjectMapper om = new ObjectMapper();
        pipeline = om.readTree(dir.resolve("pipeline.json").toFile());
        magpieTable = om.readTree(dir.resolve("magpie_elements.json").toFile());
        tensors = Safetensors.read(dir.resolve("pipeline.safetensors"));
    }

    static double[][] matrix(JsonNode n) {
        double[][] m = new double[n.size()][];
        for (int i = 0; i < n.size(); i++) {
            m[i] = new double[n.get(i).size()];
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = n.get(i).get(j).asDouble();
            }
        }
        return m;
    }

    static int[][] intMatrix(JsonNode n) {
        int[][] m = new int[n.size()][];
        for (int i = 0; i < n.size(); i++) {
            m[i] = new int[n.get(i).size()];
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = n.get(i).get(j).asInt();
            }
        }
        return m;
    }

    static int[] ints(JsonNode n) {
        int[] v = new int[n.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = n.get(i).asInt();
        }
        return v;
    }

    static Structure structure(JsonNode rec) {
        Structure.Builder b = Structure.builder().lattice(Lattice.fromMatrix(matrix(rec.get("lattice"))));
        double[][] f = matrix(rec.get("frac_coords"));
        int[] z = ints(rec.get("Z"));
        for (int i = 0; i < z.length; i++) {
            b.addSite(Site.of(Element.of(z[i]), f[i]));
        }
        return b.build();
    }

    static double modDiff(double a, double b) {
        double d = a - b;
        return Math.abs(d - Math.rint(d));
    }

    /**
     * Unreduced cells (nothing shrinks) are returned unchanged, as pymatgen does. Reduced cells have
     * pymatgen's site order by species and its Niggli metric, but the core finder's Niggli basis can
     * differ from pymatgen's by a lattice isometry (sign/orientation of the vectors; site order
     * within a species can differ too). S, m and M depend only on the metric, so from our own
     * primitive cell M must equal the reference's (up to flagged half-integer ties). Feature rows
     * are then compared exactly where the basis is pymatgen's; elsewhere the supercell sits
     * differently on the crystal (spec §1.1: only the supercell shape depends on the basis), and
     * what must still agree is every pair closer than half the shortest supercell translation,
     * which is the same in every supercell: the pooled multisets of (d, log-Coulomb) below that
     * radius.
     */
    @Test
    void primitiveCellsMatchPymatgen() {
        double worstMetric = 0;
        double worstUnreducedFrac = 0;
        double worstRow = 0;
        double worstPooled = 0;
        List<String> basisDiffers = new ArrayList<>();
        List<String> pooledCounts = new ArrayList<>();
        for (JsonNode c : pipeline.get("crystals")) {
            String id = c.get("id").asText();
            Structure input = structure(c.get("input_structure"));
            JsonNode ref = c.get("primitive");
            SiteNetSupercell mine = SiteNetSupercell.builder().maxAtoms(500).build(input);
            Structure p1 = mine.primitive();
            assertThat(p1.size()).as(id).isEqualTo(ref.get("n").asInt());
            assertThat(p1.atomicNumbers()).as(id + " species order").containsExactly(ints(ref.get("Z")));
            double[][] g = p1.lattice().metricTensor();
            double[][] rg = Lattice.fromMatrix(matrix(ref.get("lattice"))).metricTensor();
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    worstMetric = Math.max(worstMetric, Math.abs(g[i][j] - rg[i][j]));
                }
            }
            boolean sameBasis = p1.lattice().equalsWithin(Lattice.fromMatrix(matrix(ref.get("lattice"))), 1e-9);
            if (!ref.get("reduced").asBoolean()) {
                assertThat(p1).as(id + " unreduced: returned unchanged").isSameAs(input);
                assertThat(sameBasis).isTrue();
                double[][] f = p1.fractionalCoordinates();
                double[][] rf = matrix(ref.get("frac_coords"));
                for (int s = 0; s < f.length; s++) {
                    for (int q = 0; q < 3; q++) {
                        worstUnreducedFrac = Math.max(worstUnreducedFrac, Math.abs(f[s][q] - rf[s][q]));
                    }
                }
            } else if (!sameBasis) {
                basisDiffers.add(id);
            }
            JsonNode sc = c.get("supercells").get("500");
            int[][] rm = intMatrix(sc.get("M"));
            if (sc.get("near_half_integer").isEmpty()) {
                assertThat(mine.matrix()).as(id + " M from our primitive").isDeepEqualTo(rm);
            }
            SiteNetSupercell ours = SiteNetSupercell.fromPrimitive(p1, rm, 500);
            SiteNetFeatures x = SiteNetFeatures.of(ours);
            int n = x.primitiveSize();
            int size = x.size();
            double[] ri = tensors.get(id + ".nmax500.interaction", n, size, 2).toDoubleArray();
            if (sameBasis) {
                double[] xi = x.interaction();
                for (int i = 0; i < n * size * 2; i++) {
                    worstRow = Math.max(worstRow, Math.abs(xi[i] - ri[i]));
                }
            }
            double radius = 0.5 * Math.min(SiteNetSupercellTest.shortestVector(ours.supercell().lattice()),
                    SiteNetSupercellTest.shortestVector(Lattice.fromMatrix(matrix(sc.get("lattice"))))) - 1e-6;
            List<double[]> a = new ArrayList<>();
            List<double[]> b = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < size; j++) {
                    if (x.distance(i, j) < radius) {
                        a.add(new double[] {x.distance(i, j), x.logCoulomb(i, j)});
                    }
                    if (ri[(i * size + j) * 2] < radius) {
                        b.add(new double[] {ri[(i * size + j) * 2], ri[(i * size + j) * 2 + 1]});
                    }
                }
            }
            java.util.Comparator<double[]> order = java.util.Comparator.<double[]>comparingDouble(v -> Math.rint(v[0] * 1e8))
                    .thenComparingDouble(v -> v[1]);
            a.sort(order);
            b.sort(order);
            assertThat(a.size()).as(id + " pairs within " + radius + " Å").isEqualTo(b.size());
            pooledCounts.add(id + " " + a.size() + " < " + String.format("%.2f", radius) + " Å");
            for (int t = 0; t < a.size(); t++) {
                worstPooled = Math.max(worstPooled, Math.max(Math.abs(a.get(t)[0] - b.get(t)[0]),
                        Math.abs(a.get(t)[1] - b.get(t)[1])));
            }
        }
        System.out.printf("primitive cells: worst |metric diff| %.3g Å², unreduced frac diff %.3g; Niggli basis differs"
                + " from pymatgen's for %s; N_max 500 from our primitive: worst interaction diff (same basis) %.3g,"
                + " worst pooled short-range diff %.3g over %s%n",
                worstMetric, worstUnreducedFrac, basisDiffers, worstRow, worstPooled, pooledCounts);
        assertThat(worstMetric).isLessThan(1e-9);
        assertThat(worstUnreducedFrac).isEqualTo(0.0);
        assertThat(worstRow).isLessThan(1e-12);
        assertThat(worstPooled).isLessThan(1e-9);
    }

    @Test
    void supercellMatricesMatchTheReference() {
        double worstS = 0;
        double worstAbc = 0;
        List<String> otherRounding = new ArrayList<>();
        for (JsonNode c : pipeline.get("crystals")) {
            String id = c.get("id").asText();
            Structure p1 = structure(c.get("primitive"));
            for (String nmax : List.of("50", "100", "500")) {
                JsonNode ref = c.get("supercells").get(nmax);
                String tag = id + " N_max " + nmax;
                SiteNetSupercell sc = SiteNetSupercell.fromPrimitive(p1, Integer.parseInt(nmax));
                double[][] s = sc.shear();
                double[][] rs = matrix(ref.get("S"));
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        worstS = Math.max(worstS, Math.abs(s[i][j] - rs[i][j]));
                    }
                }
                double[] abc = sc.shearedAbc();
                for (int q = 0; q < 3; q++) {
                    worstAbc = Math.max(worstAbc, Math.abs(abc[q] - ref.get("sheared_abc").get(q).asDouble()));
                }
                assertThat(sc.multiples()).as(tag + " m").containsExactly(ints(ref.get("m")));
                int[][] m = sc.matrix();
                int[][] rm = intMatrix(ref.get("M"));
                boolean tieRoundedOtherWay = false;
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        if (m[i][j] == rm[i][j]) {
                            continue;
                        }
                        JsonNode tie = null;
                        for (JsonNode t : ref.get("near_half_integer")) {
                            if (t.get("row").asInt() == i && t.get("col").asInt() == j) {
                                tie = t;
                            }
                        }
                        assertThat(tie).as(tag + " M[" + i + "][" + j + "] differs and is not a flagged tie").isNotNull();
                        assertThat((double) m[i][j]).as(tag).isEqualTo(tie.get("other_rounding").asDouble());
                        otherRounding.add(tag + " M[" + i + "][" + j + "]");
                        tieRoundedOtherWay = true;
                    }
                }
                assertThat(sc.imageCount()).as(tag + " k").isEqualTo(ref.get("k").asInt());
                assertThat(sc.size()).as(tag + " N").isEqualTo(ref.get("N").asInt());
                assertThat(sc.isOversize()).as(tag).isEqualTo(p1.size() > Integer.parseInt(nmax));
                assertThat(sc.oversizeMessage().isPresent()).as(tag).isEqualTo(sc.isOversize());
                if (!tieRoundedOtherWay) {
                    assertThat(sc.images()).as(tag + " image order").isDeepEqualTo(intMatrix(ref.get("image_vectors")));
                }
            }
        }
        System.out.printf("supercells: worst |S diff| %.3g, worst |sheared abc diff| %.3g Å; other rounding at %s%n",
                worstS, worstAbc, otherRounding);
    }

    @Test
    void supercellSitesAndFeaturesMatchTheReference() {
        double worstFrac = 0;
        double worstLattice = 0;
        double worstD = 0;
        double worstDRel = 0;
        double worstLc = 0;
        double worstMagpie = 0;
        String worstDAt = "";
        String worstLcAt = "";
        int clipped = 0;
        int refClipped = 0;
        for (JsonNode c : pipeline.get("crystals")) {
            String id = c.get("id").asText();
            JsonNode prim = c.get("primitive");
            Structure p1 = structure(prim);
            double[] ox = new double[p1.size()];
            if (!prim.get("oxidation_states").isNull()) {
                for (int i = 0; i < ox.length; i++) {
                    ox[i] = prim.get("oxidation_states").get(i).asDouble();
                }
            }
            for (String nmax : List.of("50", "100", "500")) {
                JsonNode ref = c.get("supercells").get(nmax);
                String tag = id + " N_max " + nmax;
                // later stages start from the reference's M (README §6.1: ties may round either way)
                SiteNetSupercell sc = SiteNetSupercell.fromPrimitive(p1, intMatrix(ref.get("M")), Integer.parseInt(nmax));
                Structure s = sc.supercell();
                int size = ref.get("N").asInt();
                assertThat(sc.images()).as(tag + " image order").isDeepEqualTo(intMatrix(ref.get("image_vectors")));
                assertThat(s.atomicNumbers()).as(tag + " supercell Z order").containsExactly(ints(ref.get("Z")));
                double[][] l = s.lattice().matrix();
                double[][] rl = matrix(ref.get("lattice"));
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        worstLattice = Math.max(worstLattice, Math.abs(l[i][j] - rl[i][j]));
                    }
                }
                double[] rf = tensors.get(id + ".nmax" + nmax + ".supercell_frac_coords", size, 3).toDoubleArray();
                double[][] f = s.fractionalCoordinates();
                for (int i = 0; i < size; i++) {
                    for (int q = 0; q < 3; q++) {
                        worstFrac = Math.max(worstFrac, modDiff(f[i][q], rf[i * 3 + q]));
                    }
                }

                SiteNetFeatures x = SiteNetFeatures.of(sc, ox);
                int n = x.primitiveSize();
                assertThat(x.atomicNumbers()).as(tag + " atomic_id").containsExactly(ints(ref.get("atomic_id")));
                for (int p = 0; p < n; p++) {
                    assertThat(x.oxidationStates()[p]).as(tag).isEqualTo(ref.get("oxidation_state").get(p).asDouble());
                }
                double[] rm = tensors.get(id + ".nmax" + nmax + ".magpie", n, 8).toDoubleArray();
                double[] mm = x.magpie();
                for (int i = 0; i < rm.length; i++) {
                    worstMagpie = Math.max(worstMagpie, Math.abs(mm[i] - rm[i]));
                }
                double[] ri = tensors.get(id + ".nmax" + nmax + ".interaction", n, size, 2).toDoubleArray();
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < size; j++) {
                        double rd = ri[(i * size + j) * 2];
                        double rlc = ri[(i * size + j) * 2 + 1];
                        double dd = Math.abs(x.distance(i, j) - rd);
                        if (dd > worstD) {
                            worstD = dd;
                            worstDAt = tag + " (" + i + "," + j + ")";
                        }
                        if (rd > 0) {
                            worstDRel = Math.max(worstDRel, dd / rd);
                        }
                        double dl = Math.abs(x.logCoulomb(i, j) - rlc);
                        if (dl > worstLc) {
                            worstLc = dl;
                            worstLcAt = tag + " (" + i + "," + j + ")";
                        }
                        clipped += Math.abs(x.logCoulomb(i, j)) == 10 ? 1 : 0;
                    }
                }
                refClipped += ref.get("log_coulomb_clipped_entries").asInt();
            }
        }
        System.out.printf("supercell sites: worst |lattice diff| %.3g Å, worst |frac diff| (mod 1) %.3g%n",
                worstLattice, worstFrac);
        System.out.printf("features: worst |magpie diff| %.3g; distance %.3g Å at %s (rel %.3g); log-Coulomb %.3g at %s;"
                + " clipped entries %d (reference %d)%n", worstMagpie, worstD, worstDAt, worstDRel, worstLc, worstLcAt,
                clipped, refClipped);
        assertThat(worstLattice).isLessThan(1e-12);
        assertThat(worstFrac).isLessThan(1e-12);
        assertThat(worstMagpie).isEqualTo(0.0);
        assertThat(worstD).isLessThan(1e-12);
        assertThat(worstLc).isLessThan(1e-12);
        assertThat(clipped).isEqualTo(refClipped);
    }

    @Test
    void magpieTableAndNanFilterMatchTheReference() {
        int checked = 0;
        for (JsonNode e : magpieTable.get("elements")) {
            int z = e.get("Z").asInt();
            double[] row = SiteNetFeatures.magpieRow(z);
            for (int q = 0; q < 8; q++) {
                JsonNode v = e.get("values").get(q);
                if (v.isNull()) {
                    assertThat(row[q]).as("Z=" + z + " " + SiteNetFeatures.MAGPIE_PROPERTIES.get(q)).isNaN();
                } else {
                    assertThat(row[q]).as("Z=" + z + " " + SiteNetFeatures.MAGPIE_PROPERTIES.get(q))
                            .isEqualTo(v.asDouble());
                }
            }
            Structure one = Structure.builder().lattice(Lattice.fromMatrix(new double[][] {{3, 0, 0}, {0, 3, 0}, {0, 0, 3}}))
                    .addSite(Site.of(Element.of(z), new double[] {0, 0, 0})).build();
            assertThat(SiteNetFeatures.rejection(one).isEmpty()).as("Z=" + z + " valid")
                    .isEqualTo(e.get("site_net_valid").asBoolean());
            checked++;
        }
        assertThat(checked).isEqualTo(103);
    }
}
