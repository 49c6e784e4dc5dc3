package org.xtal4j.models.pet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xtal4j.models.pet.ecse.EcseConfig;
import org.xtal4j.models.pet.ecse.EnergyAndForces;
import org.xtal4j.nn.Backend;

/**
 * PET symmetrised with ECSE ({@link PetEcse}) against {@code ecse.json} of {@code testdata/pet-parity}: E_S and
 * F_S of the 5 cases with the fixture's ECSE hyper-parameters (read from {@code model/hypers.json} through
 * {@link PetEcse#config}); float64 asserted, float32 against the float64 reference printed and loosely bounded.
 */
@Tag("shared")
class PetEcseParityTest {

    /** [worst rel |ΔE_S|, worst |ΔF_S| (eV/Å)] over the cases, asserting the final frame counts. */
    private static double[] compare(DataType type, int frameBatch) throws Exception {
        JsonNode ecse = PetFixtures.json("ecse.json");
        EcseConfig cfg = PetEcse.config(PetFixtures.config(), PetFixtures.json("model/hypers.json")
                .get("ecse_hypers")).toBuilder().frameBatchSize(frameBatch).build();
        double worstE = 0;
        double worstF = 0;
        try (NDManager m = Backend.get().newManager()) {
            PetBlock block = PetFixtures.block(m, type);
            PetEcse pe = new PetEcse(block, PetFixtures.store(m), cfg);
            for (String name : PetFixtures.CASES) {
                JsonNode ref = ecse.get(name).get("float64");
                PetGraph g = PetFixtures.referenceGraph(name, PetFixtures.input(name, "original"));
                EnergyAndForces r = pe.energyAndForces(g, m);
                assertThat(r.numFrames()).as(name).isEqualTo(ref.get("n_frames_final").asInt());
                double e = ref.get("energy").asDouble();
                double de = Math.abs(r.energy() - e) / Math.abs(e);
                double[][] f = PetFixtures.matrix(ref.get("forces"));
                double df = 0;
                for (int i = 0; i < f.length; i++) {
                    for (int a = 0; a < 3; a++) {
                        df = Math.max(df, Math.abs(r.forces()[i][a] - f[i][a]));
                    }
                }
                System.out.printf(Locale.ROOT, "PET+ECSE %s %s (frame batch %d, %d frames): rel |ΔE_S| %.2e,"
                        + " |ΔF_S| %.2e eV/Å%n", type, name, frameBatch, r.numFrames(), de, df);
                worstE = Math.max(worstE, de);
                worstF = Math.max(worstF, df);
            }
        }
        return new double[] {worstE, worstF};
    }

    @Test
    void float64MatchesTheReference() throws Exception {
        for (int batch : new int[] {16, 5}) {
            double[] w = compare(DataType.FLOAT64, batch);
            System.out.printf(Locale.ROOT, "PET+ECSE float64, frame batch %d: worst rel |ΔE_S| %.2e, |ΔF_S| %.2e"
                    + " eV/Å%n", batch, w[0], w[1]);
            assertThat(w[0]).isLessThan(1e-12);
            assertThat(w[1]).isLessThan(1e-10);
        }
    }

    /** float32 against the float64 reference; the fixture's own float32 run is 4.7e-4 off on graphite_b. */
    @Test
    void float32IsCloseToTheFloat64Reference() throws Exception {
        double[] w = compare(DataType.FLOAT32, 16);
        System.out.printf(Locale.ROOT, "PET+ECSE float32 vs float64 reference: worst rel |ΔE_S| %.2e, |ΔF_S| %.2e"
                + " eV/Å%n", w[0], w[1]);
        assertThat(w[0]).isLessThan(1e-5);
        assertThat(w[1]).isLessThan(1e-2);
    }
}
