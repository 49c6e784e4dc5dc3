package org.xtal4j.models.sitenet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.model.Batch;
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;
import org.xtal4j.symmetry.NiggliReduction;

/**
 * Invariances of the whole model (pipeline + forward) on a tiny random model: a rigid motion, a site
 * permutation or another basis of the same crystal must not change the prediction. Identity output (no
 * TReLU clamp) so that every difference shows. Measured worst relative differences are printed.
 *
 * <p>The basis: the reference (pymatgen's get_primitive_structure) Niggli-reduces only a cell that shrank,
 * so a non-primitive input is canonical in any basis, while a P1 input in an unreduced basis keeps that
 * basis and gets another supercell: its far pairs, hence its prediction, change. Niggli-reducing such an
 * input first restores the invariance; both facts are tested.
 */
class SiteNetInvarianceTest {

    private static final SiteNetConfig TINY = SiteNetConfig.builder().maxAtoms(24).embeddingSize(4)
            .siteDimPerHead(3).heads(2).interactionDimPerHead(2).attentionHidden(5).prePool(4).postPool(6, 6)
            .lastActivation("identity").build();

    /** A generic triclinic P1 crystal (three species, one site each: its own primitive cell). */
    static Structure triclinic() {
        return SiteNetSupercellTest.of(new double[][] {{4.1, 0, 0}, {0.7, 4.5, 0}, {0.4, -0.9, 5.2}},
                new String[] {"Na", "Cl", "O"}, new double[][] {{0.1, 0.2, 0.3}, {0.55, 0.45, 0.6}, {0.8, 0.1, 0.7}});
    }

    /** Cartesian positions moved by fractional t. */
    static Structure translate(Structure s, double[] t) {
        List<Site> sites = new ArrayList<>();
        for (Site x : s.sites()) {
            double[] f = x.frac();
            sites.add(new Site(x.species(), new double[] {f[0] + t[0], f[1] + t[1], f[2] + t[2]}, x.label()));
        }
        return s.toBuilder().sites(sites).build();
    }

    /** Lattice vectors rotated by R (fractional coordinates unchanged). */
    static Structure rotate(Structure s, double[][] r) {
        double[][] l = s.lattice().matrix();
        double[][] out = new double[3][3];
        for (int row = 0; row < 3; row++) {
            for (int i = 0; i < 3; i++) {
                out[row][i] = r[i][0] * l[row][0] + r[i][1] * l[row][1] + r[i][2] * l[row][2];
            }
        }
        return s.toBuilder().lattice(Lattice.fromMatrix(out)).build();
    }

    /** Rotation by angle about a (normalised) axis, Rodrigues' formula. */
    static double[][] rotation(double[] axis, double angle) {
        double n = Math.sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
        double x = axis[0] / n;
        double y = axis[1] / n;
        double z = axis[2] / n;
        double c = Math.cos(angle);
        double s = Math.sin(angle);
        double t = 1 - c;
        return new double[][] {{t * x * x + c, t * x * y - s * z, t * x * z + s * y},
            {t * x * y + s * z, t * y * y + c, t * y * z - s * x}, {t * x * z - s * y, t * y * z + s * x, t * z * z + c}};
    }

    static Structure permute(Structure s, int[] order) {
        List<Site> sites = new ArrayList<>();
        for (int i : order) {
            sites.add(s.site(i));
        }
        return s.toBuilder().sites(sites).build();
    }

    /** The same crystal in the basis L' = U·L (U integer, det ±1): f' = f·U⁻¹. */
    static Structure rebase(Structure s, int[][] u, int[][] uInverse) {
        double[][] l = s.lattice().matrix();
        double[][] nl = new double[3][3];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                nl[r][c] = u[r][0] * l[0][c] + u[r][1] * l[1][c] + u[r][2] * l[2][c];
            }
        }
        List<Site> sites = new ArrayList<>();
        for (Site x : s.sites()) {
            double[] f = x.frac();
            double[] g = new double[3];
            for (int c = 0; c < 3; c++) {
                g[c] = f[0] * uInverse[0][c] + f[1] * uInverse[1][c] + f[2] * uInverse[2][c];
            }
            sites.add(new Site(x.species(), g, x.label()));
        }
        return s.toBuilder().lattice(Lattice.fromMatrix(nl)).sites(sites).build();
    }

    /** Lower- and upper-triangular shears together (Gram–Schmidt from c does not undo them). */
    static final int[][] SHEAR = {{1, 1, 0}, {0, 1, 0}, {1, 1, 1}};
    static final int[][] SHEAR_INVERSE = {{1, -1, 0}, {0, 1, 0}, {-1, 0, 1}};

    /** 2×1×1 supercell: a non-primitive input, which the pipeline reduces (and Niggli-reduces) itself. */
    static Structure doubled(Structure s) {
        return rebaseNonUnimodular(s);
    }

    private static Structure rebaseNonUnimodular(Structure s) {
        double[][] l = s.lattice().matrix();
        double[][] nl = {{2 * l[0][0], 2 * l[0][1], 2 * l[0][2]}, l[1].clone(), l[2].clone()};
        List<Site> sites = new ArrayList<>();
        for (int image = 0; image < 2; image++) {
            for (Site x : s.sites()) {
                double[] f = x.frac();
                sites.add(new Site(x.species(), new double[] {(f[0] + image) / 2, f[1], f[2]}, x.label()));
            }
        }
        return s.toBuilder().lattice(Lattice.fromMatrix(nl)).sites(sites).build();
    }

    /** Predictions of one randomly initialised model (seeded) for every structure, in one batch. */
    static double[] predict(List<Structure> structures, Precision precision) {
        SiteNetPlugin p = new SiteNetPlugin();
        ModelSetup setup = new ModelSetup(TINY, Normalisation.identity(List.of("y")), List.of(), precision);
        List<Sample> samples = structures.stream().map(s -> p.prepare(s, setup)).toList();
        try (NDManager m = Backend.get().newManager()) {
            Backend.get().seed(5);
            Block block = p.newBlock(setup);
            p.initialize(block, m, setup);
            try (NDManager step = m.newSubManager(); Batch batch = p.collate(samples, step, setup)) {
                return p.forward(block, new ParameterStore(m, false), batch, false, false, setup)
                        .get(ModelPlugin.OUTPUT_PREDICTION).toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                        .toDoubleArray();
            }
        }
    }

    /** Worst |y_k − y_0| / max(|y_0|, 1e-3) over the variants k ≥ 1. */
    static double worstRelative(double[] y) {
        double worst = 0;
        double scale = Math.max(Math.abs(y[0]), 1e-3);
        for (int k = 1; k < y.length; k++) {
            worst = Math.max(worst, Math.abs(y[k] - y[0]) / scale);
        }
        return worst;
    }

    static List<Structure> variants(Structure s) {
        double[][] r = rotation(new double[] {1, 2, 3}, 0.7);
        return List.of(s,
                translate(s, new double[] {0.31, -0.27, 0.645}),
                rotate(s, r),
                permute(s, reversed(s.size())),
                rotate(translate(permute(s, reversed(s.size())), new double[] {-0.4, 0.1, 0.2}), r));
    }

    private static int[] reversed(int n) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = n - 1 - i;
        }
        return o;
    }

    @Test
    void rigidMotionsPermutationsAndTheBasisOfANonPrimitiveInputLeaveThePredictionUnchanged() {
        Structure p1 = triclinic();
        Structure big = doubled(p1);
        List<Structure> all = new ArrayList<>(variants(p1));
        all.addAll(variants(big));
        all.add(rebase(big, SHEAR, SHEAR_INVERSE));
        all.add(rotate(rebase(permute(big, new int[] {3, 1, 5, 0, 2, 4}), SHEAR, SHEAR_INVERSE),
                rotation(new double[] {-1, 0.5, 2}, 2.1)));
        // the same P1 crystal 3% larger: the test can see a change of that size
        all.add(rotate(p1, new double[][] {{1.03, 0, 0}, {0, 1.03, 0}, {0, 0, 1.03}}));
        int n = all.size();
        for (Precision prec : List.of(Precision.FLOAT64, Precision.FLOAT32)) {
            double[] y = predict(all, prec);
            double[] invariant = java.util.Arrays.copyOf(y, n - 1);
            double worst = worstRelative(invariant);
            double strained = Math.abs(y[n - 1] - y[0]) / Math.max(Math.abs(y[0]), 1e-3);
            System.out.printf(Locale.ROOT, "Site-Net invariance %s: worst relative difference %.2e over %d variants "
                    + "(prediction %.6f); 3%% strain changes it by %.2e%n", prec, worst, n - 2, y[0], strained);
            // float32: sums over the supercell's pairs round differently per basis, ~10 ulp (1.2e-6 seen)
            double tol = prec == Precision.FLOAT64 ? 1e-12 : 3e-6;
            assertThat(worst).isLessThan(tol);
            assertThat(strained).isGreaterThan(10 * tol);
        }
    }

    @Test
    void aPrimitiveInputInAnUnreducedBasisKeepsItsBasisUnlessNiggliReducedFirst() {
        Structure p1 = triclinic();
        Structure sheared = rebase(p1, SHEAR, SHEAR_INVERSE);
        SiteNetSupercell a = SiteNetSupercell.of(p1, TINY.maxAtoms());
        SiteNetSupercell b = SiteNetSupercell.of(sheared, TINY.maxAtoms());
        assertThat(b.primitive().lattice().matrix()[2]).isEqualTo(sheared.lattice().matrix()[2]); // kept as given
        double[] y = predict(List.of(p1, sheared, NiggliReduction.reduce(p1), NiggliReduction.reduce(sheared)),
                Precision.FLOAT64);
        double basisEffect = Math.abs(y[1] - y[0]) / Math.max(Math.abs(y[0]), 1e-3);
        double reduced = Math.abs(y[3] - y[2]) / Math.max(Math.abs(y[2]), 1e-3);
        System.out.printf(Locale.ROOT, "Site-Net P1 input: supercells %s vs %s, relative change %.2e; after Niggli "
                + "reduction of the input %.2e%n", a, b, basisEffect, reduced);
        assertThat(basisEffect).isGreaterThan(1e-6);
        assertThat(reduced).isLessThan(1e-12);
    }
}
