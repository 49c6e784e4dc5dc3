package org.xtal4j.models.pet.ecse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xtal4j.nn.Backend;

/**
 * Species pruning (SPECIES_PRUNNING, off by default) keeps only frames of the maximal species code
 * (s_i·n + s_a)·n + s_b, stays invariant, and needs species; an atom without neighbours and the aux-only path of
 * energyAndForces behave.
 */
class EcseSpeciesPruningTest {

    private static NDManager manager;
    private static final EcseConfig CFG = EcseConfig.builder(EcseToys.R_CUT).build();
    private static final int[] SPECIES = {1, 0, 0, 2, 0, 1};

    @BeforeAll
    static void start() {
        manager = Backend.get().newManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static EcseEdges withSpecies(NDManager m, double[][] pos) {
        EcseEdges e = EcseToys.edges(m, pos, DataType.FLOAT64);
        int[] c = new int[e.numEdges()];
        int[] n = new int[e.numEdges()];
        for (int k = 0; k < c.length; k++) {
            c[k] = e.centre(k);
            n[k] = e.neighbour(k);
        }
        return new EcseEdges(e.numAtoms(), c, n, e.vectors(), SPECIES, 3);
    }

    @Test
    void keepsOnlyFramesOfTheMaximalSpeciesCode() {
        double[][] pos = EcseToys.cluster(6, 31);
        EcseConfig cfg = CFG.toBuilder().speciesPruning(true).build();
        try (NDManager sm = manager.newSubManager()) {
            EcseEdges e = withSpecies(sm, pos);
            EcseFrames plain = new FrameSelector(CFG).select(e);
            EcseFrames pruned = new FrameSelector(cfg).select(e);
            int maxCode = -1;
            for (int c : plain.keptAfterZeroFilter()) {
                maxCode = Math.max(maxCode, code(e, plain, c));
            }
            assertThat(pruned.numFrames()).isPositive();
            for (int c : pruned.finalCandidates()) {
                assertThat(code(e, pruned, c)).isEqualTo(maxCode);
            }
            boolean plainHasOthers = false;
            for (int c : plain.finalCandidates()) {
                plainHasOthers |= code(e, plain, c) != maxCode;
            }
            assertThat(plainHasOthers).as("the test structure must have frames of other codes").isTrue();
            double e0 = new Ecse(cfg, EcseToys.toy(false), null).energy(e).energyValue();
            EcseEdges rotated = withSpecies(sm, EcseToys.rotate(pos, Rotations.randomProper(new Random(6))));
            double e1 = new Ecse(cfg, EcseToys.toy(false), null).energy(rotated).energyValue();
            assertThat(Math.abs(e1 - e0)).isLessThan(1e-12 * Math.abs(e0));
        }
        assertThatThrownBy(() -> EcseToys.energy(manager, cfg, EcseToys.toy(false), null, pos))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("species");
    }

    private static int code(EcseEdges e, EcseFrames fr, int c) {
        int[] s = SPECIES;
        return (s[fr.candidateAtom()[c]] * 3 + s[e.neighbour(fr.candidateEdgeA()[c])]) * 3
                + s[e.neighbour(fr.candidateEdgeB()[c])];
    }

    @Test
    void anAtomWithoutNeighboursGetsTheOuterRadius() {
        double[][] pos = EcseToys.cluster(5, 3);
        double[][] withFar = new double[6][];
        System.arraycopy(pos, 0, withFar, 0, 5);
        withFar[5] = new double[] {40, 0, 0};
        try (NDManager sm = manager.newSubManager()) {
            EcseEdges e = EcseToys.edges(sm, withFar, DataType.FLOAT64);
            assertThat(e.edgesOf(5)).isEmpty();
            EcseFrames fr = new FrameSelector(CFG).select(e);
            double[] rIn = Tensors.host(fr.rIn());
            assertThat(rIn[5]).isEqualTo(CFG.rCutOuter() + CFG.deltaRCut());
            EcseFrames alone = new FrameSelector(CFG).select(EcseToys.edges(sm, pos, DataType.FLOAT64));
            double[] r0 = Tensors.host(alone.rIn());
            for (int i = 0; i < 5; i++) {
                assertThat(rIn[i]).isEqualTo(r0[i]);
            }
        }
    }

    @Test
    void auxOnlyStructuresGetTheAuxForces() {
        double[][] dimer = {{0, 0, 0}, {1.1, 0.2, -0.1}};
        EnergyAndForces r;
        try (NDManager sm = manager.newSubManager()) {
            r = new Ecse(CFG, EcseToys.toy(false), EcseToys.invariant())
                    .energyAndForces(EcseToys.edges(sm, dimer, DataType.FLOAT64));
        }
        assertThat(r.numFrames()).isZero();
        assertThat(r.auxWeight()).isEqualTo(1.0);
        double h = 1e-6;
        for (int k = 0; k < 3; k++) {
            double[][] p = EcseToys.copy(dimer);
            p[1][k] += h;
            double ep = EcseToys.energy(manager, CFG, EcseToys.toy(false), EcseToys.invariant(), p);
            p[1][k] -= 2 * h;
            double em = EcseToys.energy(manager, CFG, EcseToys.toy(false), EcseToys.invariant(), p);
            assertThat(r.forces()[1][k]).isCloseTo(-(ep - em) / (2 * h), org.assertj.core.data.Offset.offset(1e-8));
            assertThat(r.forces()[0][k]).isCloseTo(-r.forces()[1][k], org.assertj.core.data.Offset.offset(1e-14));
        }
    }
}
