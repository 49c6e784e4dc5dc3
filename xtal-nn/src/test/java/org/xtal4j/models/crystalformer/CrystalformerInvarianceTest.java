package org.xtal4j.models.crystalformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xtal4j.geometry.SupercellBuilder;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.model.Batch;
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/**
 * The prediction of a small random Crystalformer (float64) is a property of the infinite crystal: it must not
 * change (within 1e−4) under a translation of all atoms (wrapped back into the cell), a rotation of the whole
 * crystal, a permutation of the sites, a unimodular change of basis or a 2×2×2 supercell. Boxes are adaptive
 * with a 10σ cutoff so that the lattice sums are converged (the reference's 3.5σ box is a truncation that a
 * change of cell would show) and the real/reciprocal domain uses real layers only (the fixed k-box of the
 * reciprocal layers is truncated too).
 */
class CrystalformerInvarianceTest {

    private static NDManager root;
    private static CrystalformerPlugin plugin;
    private static ModelSetup setup;
    private static CrystalformerBlock block;

    @BeforeAll
    static void model() {
        Backend backend = Backend.get();
        backend.seed(5);
        root = backend.newManager();
        plugin = new CrystalformerPlugin();
        CrystalformerConfig cfg = CrystalformerConfig.builder().numLayers(2).modelDim(32).headNum(4).ffDim(64)
                .embeddingDim(List.of(32)).valuePeDistReal(16).adaptiveCutoffSigma(-10).build();
        setup = new ModelSetup(cfg, Normalisation.identity(List.of("y")), List.of(), Precision.FLOAT64);
        block = (CrystalformerBlock) plugin.newBlock(setup);
        plugin.initialize(block, root, setup);
        // fixed σ normalisation so that predictions do not depend on the batch (x̂ = 8·(q·w)) and sharper
        // attention than the initial weights give, so that a wrong geometry shows
        for (int l = 0; l < 2; l++) {
            NDArray gs = block.namedParameters().get("encoder.layers." + l + ".self_attn.gauss_scale").getArray();
            gs.set(new double[] {8, 0});
            NDArray w = block.namedParameters().get("encoder.layers." + l + ".self_attn.lattice_pos_weights").getArray();
            w.muli(3);
        }
    }

    @AfterAll
    static void close() {
        root.close();
    }

    private static double[] predict(List<Structure> structures) {
        List<Sample> samples = structures.stream().map(s -> plugin.prepare(s, setup)).toList();
        try (NDManager sm = root.newSubManager(); Batch b = plugin.collate(samples, sm, setup)) {
            NDList out = plugin.forward(block, new ParameterStore(sm, false), b, false, false, setup);
            return out.get(ModelPlugin.OUTPUT_PREDICTION).toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    static Structure nacl() {
        Lattice l = Lattice.fromMatrix(new double[][] {{0, 2.82, 2.82}, {2.82, 0, 2.82}, {2.82, 2.82, 0}});
        return Structure.of(l, List.of(Site.of(Element.of("Na"), new double[] {0, 0, 0}),
                Site.of(Element.of("Cl"), new double[] {0.5, 0.5, 0.5})));
    }

    static Structure triclinic() {
        Lattice l = Lattice.fromParameters(3.9, 4.4, 5.1, 78, 95, 104);
        return Structure.of(l, List.of(Site.of(Element.of("K"), new double[] {0.1, 0.2, 0.3}),
                Site.of(Element.of("Si"), new double[] {0.55, 0.45, 0.8}),
                Site.of(Element.of("O"), new double[] {0.8, 0.9, 0.15})));
    }

    private static Structure withCartesian(Lattice lattice, Structure s, double[][] cart) {
        List<Site> sites = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            double[] f = lattice.toFractional(cart[i]);
            for (int k = 0; k < 3; k++) {
                f[k] -= Math.floor(f[k]);
            }
            sites.add(new Site(s.site(i).species(), f, null));
        }
        return Structure.of(lattice, sites);
    }

    static Structure translated(Structure s, double[] t) {
        double[][] c = s.cartesianCoordinates();
        for (double[] p : c) {
            for (int k = 0; k < 3; k++) {
                p[k] += t[k];
            }
        }
        return withCartesian(s.lattice(), s, c);
    }

    static Structure rotated(Structure s) {
        double a = 0.7;
        double b = -1.1;
        double[][] rz = {{Math.cos(a), -Math.sin(a), 0}, {Math.sin(a), Math.cos(a), 0}, {0, 0, 1}};
        double[][] rx = {{1, 0, 0}, {0, Math.cos(b), -Math.sin(b)}, {0, Math.sin(b), Math.cos(b)}};
        double[][] r = mul(rz, rx);
        double[][] m = s.lattice().matrix();
        double[][] mr = new double[3][];
        for (int i = 0; i < 3; i++) {
            mr[i] = apply(r, m[i]);
        }
        double[][] c = s.cartesianCoordinates();
        for (int i = 0; i < c.length; i++) {
            c[i] = apply(r, c[i]);
        }
        return withCartesian(Lattice.fromMatrix(mr), s, c);
    }

    static Structure rebased(Structure s, int[][] u) {
        double[][] m = s.lattice().matrix();
        double[][] nm = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    nm[i][k] += u[i][j] * m[j][k];
                }
            }
        }
        return withCartesian(Lattice.fromMatrix(nm), s, s.cartesianCoordinates());
    }

    static Structure permuted(Structure s, int[] order) {
        List<Site> sites = new ArrayList<>();
        for (int i : order) {
            sites.add(s.site(i));
        }
        return Structure.of(s.lattice(), sites);
    }

    private static double[][] mul(double[][] a, double[][] b) {
        double[][] c = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }

    private static double[] apply(double[][] r, double[] v) {
        return new double[] {r[0][0] * v[0] + r[0][1] * v[1] + r[0][2] * v[2],
            r[1][0] * v[0] + r[1][1] * v[1] + r[1][2] * v[2], r[2][0] * v[0] + r[2][1] * v[1] + r[2][2] * v[2]};
    }

    @Test
    void predictionIsAPropertyOfTheInfiniteCrystal() {
        for (Structure s : List.of(nacl(), triclinic())) {
            List<Structure> variants = List.of(s,
                    translated(s, new double[] {1.37, -2.21, 0.58}),
                    rotated(s),
                    permuted(s, s.size() == 2 ? new int[] {1, 0} : new int[] {2, 0, 1}),
                    rebased(s, new int[][] {{1, 1, 0}, {0, 1, 0}, {1, 0, 1}}),
                    SupercellBuilder.diagonal(s, 2, 2, 2));
            double[] p = predict(variants);
            System.out.printf("invariance %s: %s%n", s.sites().get(0).speciesString(), java.util.Arrays.toString(p));
            for (int v = 1; v < p.length; v++) {
                // 1e-4 is the requirement; converged float64 sums agree far better (measured ≤ 1e-16), and the
                // tighter bound is what separates them from the truncated box (next test: 6e-9)
                assertThat(p[v]).as("variant " + v).isCloseTo(p[0], within(1e-11));
            }
        }
    }

    /**
     * Negative control: the same model with the reference's fixed 5×5×5 box truncates the lattice sums, so a
     * change of cell shows (measured 6e−9 here: random models are not very sensitive to far images).
     */
    @Test
    void theTruncatedFixedBoxIsNotInvariant() {
        ModelSetup fixed = new ModelSetup(((CrystalformerConfig) setup.config()).toBuilder()
                .box(CrystalformerConfig.BoxSemantics.FIXED).build(), setup.normalisation(), List.of(),
                Precision.FLOAT64);
        Structure s = triclinic();
        List<Sample> samples = List.of(plugin.prepare(s, fixed),
                plugin.prepare(SupercellBuilder.diagonal(s, 2, 2, 2), fixed),
                plugin.prepare(rebased(s, new int[][] {{1, 1, 0}, {0, 1, 0}, {1, 0, 1}}), fixed));
        try (NDManager sm = root.newSubManager(); Batch b = plugin.collate(samples, sm, fixed)) {
            double[] p = plugin.forward(block, new ParameterStore(sm, false), b, false, false, fixed)
                    .get(ModelPlugin.OUTPUT_PREDICTION).toType(DataType.FLOAT64, false).toDoubleArray();
            System.out.printf("fixed box: primitive %.10f, supercell %.10f, rebased %.10f%n", p[0], p[1], p[2]);
            assertThat(Math.max(Math.abs(p[1] - p[0]), Math.abs(p[2] - p[0]))).isGreaterThan(1e-10);
        }
    }

    @Test
    void theTwoCrystalsAreTold_apart_andTheGeometryMatters() {
        double[] p = predict(List.of(nacl(), triclinic()));
        assertThat(Math.abs(p[0] - p[1])).isGreaterThan(1e-3);
        // squeezing the lattice changes the prediction (periodic images enter)
        Structure s = nacl();
        Structure squeezed = Structure.of(s.lattice().scaledToVolume(s.volume() * 0.8), s.sites());
        double[] q = predict(List.of(s, squeezed));
        assertThat(Math.abs(q[0] - q[1])).isGreaterThan(1e-4);
    }

    @Test
    void trainingForwardSetsGaussScaleFromTheBatchOnce() {
        CrystalformerConfig cfg = CrystalformerConfig.builder().numLayers(1).modelDim(16).headNum(2).ffDim(16)
                .embeddingDim(List.of(8)).valuePeDistReal(8).build();
        ModelSetup su = new ModelSetup(cfg, Normalisation.identity(List.of("y")), List.of(), Precision.FLOAT64);
        try (NDManager m = root.newSubManager()) {
            CrystalformerBlock b = (CrystalformerBlock) plugin.newBlock(su);
            plugin.initialize(b, m, su);
            NDArray gs = b.namedParameters().get("encoder.layers.0.self_attn.gauss_scale").getArray();
            assertThat(gs.toDoubleArray()).containsExactly(0, 0);
            List<Sample> samples = List.of(plugin.prepare(nacl(), su), plugin.prepare(triclinic(), su));
            try (Batch batch = plugin.collate(samples, m, su)) {
                CrystalformerTrace t = new CrystalformerTrace();
                b.run(new ParameterStore(m, false), batch, false, t);
                assertThat(gs.toDoubleArray()).as("eval mode does not store").containsExactly(0, 0);
                double[] x = t.get("layer0.x").toDoubleArray();
                double mean = java.util.Arrays.stream(x).average().orElseThrow();
                double var = java.util.Arrays.stream(x).map(v -> (v - mean) * (v - mean)).sum() / (x.length - 1);
                b.run(new ParameterStore(m, false), batch, true, null);
                double[] stored = gs.toDoubleArray();
                assertThat(stored[0]).isCloseTo(1 / Math.sqrt(var), within(1e-9 / Math.sqrt(var)));
                assertThat(stored[1]).isCloseTo(-mean, within(1e-12));
                // later batches use the stored values
                b.run(new ParameterStore(m, false), batch, true, null);
                assertThat(gs.toDoubleArray()).containsExactly(stored);
            }
        }
    }

    @Test
    void parameterCountsAreTheReferences() {
        // crystalformer.md §10
        assertThat(count(CrystalformerConfig.builder().build())).isEqualTo(853_517);
        assertThat(count(CrystalformerConfig.builder().numLayers(7).build())).isEqualTo(1_471_766);
        assertThat(count(CrystalformerConfig.builder().valuePeDistReal(0).build())).isEqualTo(820_749);
        assertThat(count(CrystalformerConfig.builder().domain("real-reci").build())).isEqualTo(837_133);
        assertThat(count(CrystalformerConfig.builder().domain("multihead").build())).isEqualTo(853_517);
    }

    private static long count(CrystalformerConfig cfg) {
        CrystalformerBlock b = new CrystalformerBlock(cfg, 1);
        long n = 0;
        for (Map.Entry<String, Parameter> e : b.namedParameters().entrySet()) {
            n += e.getValue().getShape().size();
        }
        assertThat(b.namedParameters()).containsKey("mlp.3.bias");
        return n;
    }

    @Test
    void everyDomainAndVariantRuns() {
        CrystalformerConfig.Builder base = CrystalformerConfig.builder().numLayers(2).modelDim(16).headNum(2).ffDim(16)
                .embeddingDim(List.of(8)).valuePeDistReal(8);
        List<CrystalformerConfig> configs = List.of(base.domain("multihead").build(), base.domain("real-reci").build(),
                base.domain("reci").build(),
                base.domain("real").valuePeDistReal(0).build(),                       // simplified model
                base.valuePeDistReal(8).scaleReal(List.of(1.4, 1.1)).build(),         // per-layer r0 and r_max
                base.box(CrystalformerConfig.BoxSemantics.FIXED).domain("multihead").build());
        for (CrystalformerConfig cfg : configs) {
            ModelSetup su = new ModelSetup(cfg, Normalisation.identity(List.of("y", "z")), List.of(),
                    Precision.FLOAT64);
            try (NDManager m = root.newSubManager()) {
                CrystalformerBlock b = (CrystalformerBlock) plugin.newBlock(su);
                plugin.initialize(b, m, su);
                List<Sample> samples = List.of(plugin.prepare(nacl(), su), plugin.prepare(triclinic(), su));
                try (Batch batch = plugin.collate(samples, m, su)) {
                    CrystalformerTrace t = new CrystalformerTrace();
                    NDArray pred = b.run(new ParameterStore(m, false), batch, false, t);
                    assertThat(pred.getShape().getShape()).containsExactly(2, 2);
                    assertThat(t.get("layer0.alpha").getShape().getShape()).containsExactly(4 + 9, 2);
                    for (double v : pred.toDoubleArray()) {
                        assertThat(v).isFinite();
                    }
                }
            }
        }
    }
}
