package org.xtal4j.models.pet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xtal4j.nn.Backend;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/**
 * Fast, self-contained checks of a tiny random PET (float64): forces equal −dE/dr by central finite
 * differences (h = 1e-4 Å) for a periodic cell with periodic self-images and for a molecule; energies are
 * invariant under translation and atom permutation, and the batched graph gives each structure's energy.
 */
class PetForcesTest {

    private static NDManager manager;
    private static PetBackbone backbone;
    private static ParameterStore ps;

    @BeforeAll
    static void model() {
        Backend.get().seed(11);
        manager = Backend.get().newManager();
        PetConfig cfg = PetConfig.builder().dModel(8).nHead(2).dimFeedforward(16).nTransLayers(1).nGnnLayers(2)
                .headNeurons(8).rCut(3.0).cutoffDelta(0.5).build();
        PetBlock block = new PetBlock(cfg, 2);
        block.initialize(manager, DataType.FLOAT64, new Shape(1, 3));
        block.initializeReference(manager);
        backbone = new PetBackbone(block);
        ps = new ParameterStore(manager, false);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static int species(int z) {
        return z == 1 ? 0 : 1;
    }

    /** A 2.3 Å triclinic cell with two atoms: many images of each atom, including of itself, within 3 Å. */
    static Structure crystal(double[][] cart) {
        Lattice lat = Lattice.fromMatrix(new double[][] {{2.3, 0, 0}, {0.4, 2.5, 0}, {0.2, -0.3, 2.7}});
        List<Site> sites = new ArrayList<>();
        sites.add(Site.of(Element.of("C"), lat.toFractional(cart[0])));
        sites.add(Site.of(Element.of("H"), lat.toFractional(cart[1])));
        return Structure.builder().lattice(lat).sites(sites).build();
    }

    static Structure molecule(double[][] cart) {
        Lattice box = Lattice.fromMatrix(new double[][] {{64, 0, 0}, {0, 64, 0}, {0, 0, 64}});
        List<Site> sites = new ArrayList<>();
        int[] z = {6, 1, 1, 1};
        for (int i = 0; i < cart.length; i++) {
            sites.add(Site.of(Element.of(z[i]), box.toFractional(cart[i])));
        }
        return Structure.builder().lattice(box).sites(sites).pbc(false, false, false).build();
    }

    static final double[][] CRYSTAL = {{0.1, 0.2, 0.3}, {1.3, 0.9, 1.6}};
    static final double[][] MOLECULE = {{0, 0, 0}, {1.1, 0.1, -0.2}, {-0.3, 1.0, 0.4}, {-0.2, -0.5, 1.2}};

    double energy(Structure s) {
        PetGraph g = PetGraph.of(s, 3.0, PetForcesTest::species);
        try (NDManager sm = manager.newSubManager()) {
            return backbone.energy(ps, g, g.edgeVectors(sm, DataType.FLOAT64), false).getDouble(0);
        }
    }

    double[][] forces(Structure s) {
        PetGraph g = PetGraph.of(s, 3.0, PetForcesTest::species);
        PetBackboneParityTest.Result r = PetBackboneParityTest.run(backbone, ps, manager, g, DataType.FLOAT64);
        return r.forces();
    }

    double worstFiniteDifference(java.util.function.Function<double[][], Structure> make, double[][] cart) {
        double[][] f = forces(make.apply(cart));
        double h = 1e-4;
        double worst = 0;
        double max = 0;
        for (int i = 0; i < cart.length; i++) {
            for (int a = 0; a < 3; a++) {
                double[][] p = copy(cart);
                p[i][a] += h;
                double ep = energy(make.apply(p));
                p[i][a] -= 2 * h;
                double em = energy(make.apply(p));
                double fd = -(ep - em) / (2 * h);
                worst = Math.max(worst, Math.abs(fd - f[i][a]));
                max = Math.max(max, Math.abs(f[i][a]));
            }
        }
        assertThat(max).as("forces are not trivially zero").isGreaterThan(1e-3);
        return worst;
    }

    static double[][] copy(double[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }

    @Test
    void periodicForcesAreMinusTheEnergyGradient() {
        PetGraph g = PetGraph.of(crystal(CRYSTAL), 3.0, PetForcesTest::species);
        boolean selfImage = false;
        for (int e = 0; e < g.edgeCount(); e++) {
            selfImage |= g.centre(e) == g.neighbour(e);
        }
        assertThat(selfImage).as("the cell is small enough for periodic self-images").isTrue();
        double worst = worstFiniteDifference(PetForcesTest::crystal, CRYSTAL);
        System.out.printf(Locale.ROOT, "PET periodic forces vs finite differences (h=1e-4): worst %.2e eV/Å%n",
                worst);
        assertThat(worst).isLessThan(1e-6);
    }

    @Test
    void molecularForcesAreMinusTheEnergyGradient() {
        double worst = worstFiniteDifference(PetForcesTest::molecule, MOLECULE);
        System.out.printf(Locale.ROOT, "PET molecule forces vs finite differences (h=1e-4): worst %.2e eV/Å%n",
                worst);
        assertThat(worst).isLessThan(1e-6);
    }

    /**
     * The results belong to the caller's manager, not to the parameters' long-lived one: kept there, each
     * training step leaked its energy with the whole autograd graph (2.7 MB per step measured before the fix).
     */
    @Test
    void resultsBelongToTheCallersManager() {
        PetGraph g = PetGraph.of(molecule(MOLECULE), 3.0, PetForcesTest::species);
        try (NDManager sm = manager.newSubManager()) {
            NDArray x = g.edgeVectors(sm, DataType.FLOAT64);
            assertThat(backbone.energy(ps, g, x, false).getManager()).isSameAs(sm);
            assertThat(backbone.atomEnergies(ps, g, x, false).getManager()).isSameAs(sm);
        }
    }

    @Test
    void energyIsTranslationAndPermutationInvariantAndBatchesAdd() {
        double e = energy(molecule(MOLECULE));
        double[][] moved = copy(MOLECULE);
        for (double[] r : moved) {
            r[0] += 0.37;
            r[2] -= 1.1;
        }
        assertThat(energy(molecule(moved))).isCloseTo(e, org.assertj.core.data.Offset.offset(1e-10));
        double[][] swapped = {MOLECULE[0], MOLECULE[3], MOLECULE[1], MOLECULE[2]};
        assertThat(energy(molecule(swapped))).isCloseTo(e, org.assertj.core.data.Offset.offset(1e-10));
        double ec = energy(crystal(CRYSTAL));
        PetGraph b = PetGraph.batch(List.of(PetGraph.of(crystal(CRYSTAL), 3.0, PetForcesTest::species),
                PetGraph.of(molecule(MOLECULE), 3.0, PetForcesTest::species)));
        try (NDManager sm = manager.newSubManager()) {
            NDArray both = backbone.energy(ps, b, b.edgeVectors(sm, DataType.FLOAT64), false);
            assertThat(both.getShape().get(0)).isEqualTo(2);
            assertThat(both.getDouble(0)).isCloseTo(ec, org.assertj.core.data.Offset.offset(1e-10));
            assertThat(both.getDouble(1)).isCloseTo(e, org.assertj.core.data.Offset.offset(1e-10));
        }
    }
}
