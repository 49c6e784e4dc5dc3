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
 * ECSE makes a deliberately non-invariant toy backbone exactly rotation-invariant (energies) and equivariant
 * (forces, vector outputs) under proper rotations; inversion is not covered unless the backbone is even in the
 * second frame coordinate; degenerate structures need the auxiliary model.
 */
class EcseEquivarianceTest {

    private static NDManager manager;
    private static final EcseConfig CFG = EcseConfig.builder(EcseToys.R_CUT).build();

    @BeforeAll
    static void start() {
        manager = Backend.get().newManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static EnergyAndForces ecse(EcseConfig cfg, EcseBackbone b, double[][] pos, DataType dt) {
        try (NDManager sm = manager.newSubManager()) {
            return new Ecse(cfg, b, null).energyAndForces(EcseToys.edges(sm, pos, dt));
        }
    }

    private static double raw(EcseBackbone b, double[][] pos) {
        try (NDManager sm = manager.newSubManager()) {
            return Tensors.scalar(b.energy(EcseToys.edges(sm, pos, DataType.FLOAT64).vectors()));
        }
    }

    @Test
    void energyInvariantAndForcesEquivariantUnder50RandomRotations() {
        double[][] pos = EcseToys.cluster(6, 11);
        EcseBackbone toy = EcseToys.toy(false);
        EnergyAndForces ref = ecse(CFG, toy, pos, DataType.FLOAT64);
        assertThat(ref.numFrames()).isGreaterThan(1);
        double e0 = raw(toy, pos);
        Random rng = new Random(3);
        double worstE = 0;
        double worstF = 0;
        double rawSpread = 0;
        double fScale = 0;
        for (double[] f : ref.forces()) {
            for (double v : f) {
                fScale = Math.max(fScale, Math.abs(v));
            }
        }
        for (int t = 0; t < 50; t++) {
            double[][] q = Rotations.randomProper(rng);
            double[][] rp = EcseToys.rotate(pos, q);
            EnergyAndForces r = ecse(CFG, toy, rp, DataType.FLOAT64);
            assertThat(r.numFrames()).isEqualTo(ref.numFrames());
            worstE = Math.max(worstE, Math.abs(r.energy() - ref.energy()) / Math.abs(ref.energy()));
            double[][] expected = EcseToys.rotate(ref.forces(), q); // F' = F·Qᵀ
            for (int i = 0; i < pos.length; i++) {
                for (int k = 0; k < 3; k++) {
                    worstF = Math.max(worstF, Math.abs(r.forces()[i][k] - expected[i][k]));
                }
            }
            rawSpread = Math.max(rawSpread, Math.abs(raw(toy, rp) - e0));
        }
        System.out.printf("ECSE toy, 50 rotations (float64): worst E_S relative %.2e, worst |ΔF| %.2e (max |F| %.2f); "
                + "raw backbone varies by up to %.3f (E_0 = %.3f)%n", worstE, worstF, fScale, rawSpread, e0);
        assertThat(worstE).isLessThan(1e-9);
        assertThat(worstF).isLessThan(1e-8);
        assertThat(rawSpread).isGreaterThan(1e-2); // the backbone alone is far from invariant
    }

    @Test
    void float32IsInvariantToRounding() {
        double[][] pos = EcseToys.cluster(5, 5);
        EcseBackbone toy = EcseToys.toy(false);
        EnergyAndForces ref = ecse(CFG, toy, pos, DataType.FLOAT64);
        Random rng = new Random(9);
        double worst = 0;
        for (int t = 0; t < 5; t++) {
            EnergyAndForces r = ecse(CFG, toy, EcseToys.rotate(pos, Rotations.randomProper(rng)), DataType.FLOAT32);
            worst = Math.max(worst, Math.abs(r.energy() - ref.energy()) / Math.abs(ref.energy()));
        }
        System.out.printf("ECSE toy, float32 rotated vs float64: worst E_S relative %.2e%n", worst);
        assertThat(worst).isLessThan(1e-5);
    }

    @Test
    void additionalFixedRandomRotationsKeepExactInvariance() {
        EcseConfig cfg = CFG.toBuilder().randomAdditionalRotations(3, 42).build();
        double[][] pos = EcseToys.cluster(5, 7);
        EcseBackbone toy = EcseToys.toy(false);
        double e = ecse(cfg, toy, pos, DataType.FLOAT64).energy();
        double eId = ecse(CFG, toy, pos, DataType.FLOAT64).energy();
        double er = ecse(cfg, toy, EcseToys.rotate(pos, Rotations.randomProper(new Random(1))), DataType.FLOAT64)
                .energy();
        assertThat(Math.abs(er - e) / Math.abs(e)).isLessThan(1e-10);
        assertThat(Math.abs(e - eId)).isGreaterThan(1e-4); // the extra rotations do change the average
    }

    @Test
    void inversionIsNotASymmetryUnlessTheBackboneIsEvenInTheSecondAxis() {
        // −X gives frames (−e1, e2, −e3), so (−X)·F' = X·F·diag(1, −1, 1): a mirror of the second axis
        double[][] pos = EcseToys.cluster(6, 13);
        double[][] inv = new double[pos.length][3];
        for (int i = 0; i < pos.length; i++) {
            for (int k = 0; k < 3; k++) {
                inv[i][k] = -pos[i][k];
            }
        }
        EcseBackbone odd = EcseToys.toy(false);
        EcseBackbone even = EcseToys.toy(true);
        double dOdd = Math.abs(ecse(CFG, odd, pos, DataType.FLOAT64).energy()
                - ecse(CFG, odd, inv, DataType.FLOAT64).energy());
        double eEven = ecse(CFG, even, pos, DataType.FLOAT64).energy();
        double dEven = Math.abs(eEven - ecse(CFG, even, inv, DataType.FLOAT64).energy());
        System.out.printf("ECSE inversion: |ΔE_S| %.2e for the toy backbone, %.2e for its mirror-even variant%n",
                dOdd, dEven);
        assertThat(dOdd).isGreaterThan(1e-3);
        assertThat(dEven / Math.abs(eEven)).isLessThan(1e-12);
    }

    @Test
    void vectorOutputsRotateWithTheStructure() {
        double[][] pos = EcseToys.cluster(6, 17);
        EcseVectorBackbone vb = EcseToys.toyVector();
        double[] v0;
        double[] raw0;
        try (NDManager sm = manager.newSubManager()) {
            EcseEdges e = EcseToys.edges(sm, pos, DataType.FLOAT64);
            v0 = Tensors.host(new Ecse(CFG, null, null).vectors(e, vb, null));
            raw0 = Tensors.host(vb.vectors(e.vectors()));
        }
        Random rng = new Random(4);
        double worst = 0;
        double rawWorst = 0;
        for (int t = 0; t < 10; t++) {
            double[][] q = Rotations.randomProper(rng);
            double[] expected = EcseToys.rotate(new double[][] {v0}, q)[0];
            double[] rawExpected = EcseToys.rotate(new double[][] {raw0}, q)[0];
            try (NDManager sm = manager.newSubManager()) {
                EcseEdges e = EcseToys.edges(sm, EcseToys.rotate(pos, q), DataType.FLOAT64);
                double[] v = Tensors.host(new Ecse(CFG, null, null).vectors(e, vb, null));
                double[] raw = Tensors.host(vb.vectors(e.vectors()));
                for (int k = 0; k < 3; k++) {
                    worst = Math.max(worst, Math.abs(v[k] - expected[k]));
                    rawWorst = Math.max(rawWorst, Math.abs(raw[k] - rawExpected[k]));
                }
            }
        }
        System.out.printf("ECSE vectors: worst |v_S(XQᵀ) − v_S(X)Qᵀ| %.2e; raw model %.2e%n", worst, rawWorst);
        assertThat(worst).isLessThan(1e-12);
        assertThat(rawWorst).isGreaterThan(1e-3);
    }

    @Test
    void degenerateStructuresNeedTheAuxiliaryModel() {
        double[][] dimer = {{0, 0, 0}, {1.1, 0.2, -0.1}};
        double[][] chain = {{0, 0, 0}, {1.2, 0, 0}, {2.5, 0, 0}}; // collinear: every spread is 0
        EcseBackbone toy = EcseToys.toy(false);
        for (double[][] pos : new double[][][] {dimer, chain}) {
            assertThatThrownBy(() -> EcseToys.energy(manager, CFG, toy, null, pos))
                    .isInstanceOf(EcseException.class).hasMessageContaining("auxiliary model");
            double e = EcseToys.energy(manager, CFG, toy, EcseToys.invariant(), pos);
            double aux;
            try (NDManager sm = manager.newSubManager()) {
                aux = Tensors.scalar(EcseToys.invariant().energy(EcseToys.edges(sm, pos, DataType.FLOAT64).vectors()));
            }
            assertThat(e).isCloseTo(aux, org.assertj.core.data.Offset.offset(1e-14));
        }
    }

    @Test
    void weakEnsemblesBlendInTheAuxiliaryModel() {
        // a nearly collinear chain with a small kink: few, weak frames (M < 0.5, so w_aux > 0)
        double[][] pos = {{0, 0, 0}, {1.2, 0, 0}, {2.4, 0.45, 0}};
        EcseBackbone toy = EcseToys.toy(false);
        EcseFrames fr;
        try (NDManager sm = manager.newSubManager()) {
            fr = new FrameSelector(CFG).select(EcseToys.edges(sm, pos, DataType.FLOAT64));
            assertThat(fr.numFrames()).isPositive();
            double wAux = fr.auxWeightValue();
            assertThat(wAux).isBetween(1e-6, 1 - 1e-6);
        }
        EcseConfig strict = CFG.toBuilder().strictAux(true).build();
        assertThatThrownBy(() -> EcseToys.energy(manager, strict, toy, null, pos)).isInstanceOf(EcseException.class);
        double withAux = EcseToys.energy(manager, strict, toy, EcseToys.invariant(), pos);
        double without = EcseToys.energy(manager, CFG, toy, null, pos);
        assertThat(Math.abs(withAux - without)).isGreaterThan(1e-6);
        // and the blend is still exactly invariant
        double rotated = EcseToys.energy(manager, strict, toy, EcseToys.invariant(),
                EcseToys.rotate(pos, Rotations.randomProper(new Random(8))));
        assertThat(Math.abs(rotated - withAux)).isLessThan(1e-12);
    }
}
