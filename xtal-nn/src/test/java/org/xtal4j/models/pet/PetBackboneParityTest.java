package org.xtal4j.models.pet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xtal4j.nn.Autograd;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.io.HostTensor;
import org.xtal4j.nn.io.NamedTensors;
import org.xtal4j.nn.io.Safetensors;

/**
 * The PET backbone against {@code testdata/pet-parity}: neighbour lists, per-block intermediates, per-atom
 * and total energies and forces (float64 and float32), original, rotated and inverted inputs.
 */
@Tag("shared")
class PetBackboneParityTest {

    private static final List<String> ORIENTATIONS = List.of("original", "rotated", "inverted");

    /** The foundation's neighbour list gives the reference's (i, j, S) sets and vectors for all 15 inputs. */
    @Test
    void neighbourListsMatchTheReference() throws Exception {
        double worst = 0;
        for (String name : PetFixtures.CASES) {
            for (String o : ORIENTATIONS) {
                JsonNode in = PetFixtures.input(name, o);
                JsonNode ref = PetFixtures.json("neighbors.json").get(PetFixtures.neighbourKey(name, o));
                PetGraph g = PetGraph.of(PetFixtures.structure(in), 5.0, PetFixtures::speciesIndex);
                Map<String, double[]> mine = new HashMap<>();
                for (int e = 0; e < g.edgeCount(); e++) {
                    String key = g.centre(e) + "," + g.neighbour(e) + "," + g.shift(e, 0) + "," + g.shift(e, 1)
                            + "," + g.shift(e, 2);
                    mine.put(key, new double[] {g.vector(e, 0), g.vector(e, 1), g.vector(e, 2)});
                    int r = g.reverse(e);
                    assertThat(g.centre(r)).isEqualTo(g.neighbour(e));
                    assertThat(g.shift(r, 0)).isEqualTo(-g.shift(e, 0));
                }
                Set<String> theirs = new HashSet<>();
                for (int e = 0; e < ref.get("i").size(); e++) {
                    JsonNode s = ref.get("shift").get(e);
                    String key = ref.get("i").get(e).asInt() + "," + ref.get("j").get(e).asInt() + ","
                            + s.get(0).asInt() + "," + s.get(1).asInt() + "," + s.get(2).asInt();
                    theirs.add(key);
                    double[] v = mine.get(key);
                    assertThat(v).as("%s %s edge %s", name, o, key).isNotNull();
                    for (int a = 0; a < 3; a++) {
                        worst = Math.max(worst, Math.abs(v[a] - ref.get("vector").get(e).get(a).asDouble()));
                    }
                }
                assertThat(mine.keySet()).as("%s %s", name, o).isEqualTo(theirs);
                assertThat(g.maxNeighbours()).isEqualTo(ref.get("max_neighbors").asInt());
            }
        }
        System.out.printf(Locale.ROOT, "PET neighbour lists: 15/15 identical edge sets, worst |Δvector| %.2e Å%n",
                worst);
        assertThat(worst).isLessThan(1e-12);
    }

    /** Every per-block activation of the float64 reference run (original orientation, reference edge order). */
    @Test
    void intermediatesMatchFloat64() throws Exception {
        Backend.get();
        double worst = 0;
        String worstName = "";
        try (NDManager m = Backend.get().newManager()) {
            PetBlock block = PetFixtures.block(m, DataType.FLOAT64);
            PetBackbone bb = new PetBackbone(block);
            ParameterStore ps = PetFixtures.store(m);
            for (String name : PetFixtures.CASES) {
                try (NDManager sm = m.newSubManager()) {
                    JsonNode in = PetFixtures.input(name, "original");
                    PetGraph g = PetFixtures.referenceGraph(name, in);
                    Map<String, NDArray> trace = new LinkedHashMap<>();
                    bb.atomEnergies(ps, g, g.edgeVectors(sm, DataType.FLOAT64), false, trace);
                    NamedTensors ref = Safetensors.read(PetFixtures.DIR.resolve("intermediates/" + name
                            + ".safetensors"));
                    assertThat(trace.keySet()).containsExactlyInAnyOrderElementsOf(ref.names());
                    for (String t : ref.names()) {
                        double[] want = ref.get(t).toDoubleArray();
                        double[] got = trace.get(t).toDoubleArray();
                        assertThat(got).as(t).hasSameSizeAs(want);
                        double scale = 0;
                        for (double w : want) {
                            scale = Math.max(scale, Math.abs(w));
                        }
                        for (int i = 0; i < want.length; i++) {
                            double rel = Math.abs(got[i] - want[i]) / Math.max(scale, 1e-300);
                            if (rel > worst) {
                                worst = rel;
                                worstName = name + ":" + t;
                            }
                        }
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "PET intermediates f64: worst |diff|/max|ref| %.2e (%s)%n", worst, worstName);
        assertThat(worst).isLessThan(1e-10);
    }

    @Test
    void energiesAndForcesMatchFloat64() throws Exception {
        double[] w = compareAll(DataType.FLOAT64, "float64");
        System.out.printf(Locale.ROOT, "PET backbone f64 (reference order): worst rel |ΔE| %.2e, |Δe_i| %.2e eV,"
                + " |ΔF| %.2e eV/Å; own neighbour order: |ΔE| rel %.2e, |ΔF| %.2e%n", w[0], w[1], w[2], w[3], w[4]);
        assertThat(w[0]).isLessThan(1e-10);
        assertThat(w[1]).isLessThan(1e-9);
        assertThat(w[2]).isLessThan(1e-9);
        assertThat(w[3]).isLessThan(1e-10);
        assertThat(w[4]).isLessThan(1e-9);
    }

    /** float32 against the float64 reference (README: energies 1e-6 relative, forces 5e-4 abs). */
    @Test
    void energiesAndForcesMatchFloat32() throws Exception {
        double[] w = compareAll(DataType.FLOAT32, "float64");
        double[] w32 = compareAll(DataType.FLOAT32, "float32");
        System.out.printf(Locale.ROOT, "PET backbone f32 vs f64 reference: worst rel |ΔE| %.2e, |Δe_i| %.2e eV,"
                + " |ΔF| %.2e eV/Å; vs the f32 reference: %.2e, %.2e, %.2e%n", w[0], w[1], w[2], w32[0], w32[1],
                w32[2]);
        assertThat(w[0]).isLessThan(1e-6);
        assertThat(w[2]).isLessThan(5e-4);
    }

    /** The backbone alone is not rotation-invariant (what ECSE is for): the rotated inputs change E by far more than rounding. */
    @Test
    void backboneAloneIsNotRotationInvariant() throws Exception {
        double smallest = Double.MAX_VALUE;
        try (NDManager m = Backend.get().newManager()) {
            PetBackbone bb = new PetBackbone(PetFixtures.block(m, DataType.FLOAT64));
            ParameterStore ps = PetFixtures.store(m);
            for (String name : PetFixtures.CASES) {
                double[] e = new double[2];
                for (int k = 0; k < 2; k++) {
                    JsonNode in = PetFixtures.input(name, k == 0 ? "original" : "rotated");
                    PetGraph g = PetGraph.of(PetFixtures.structure(in), 5.0, PetFixtures::speciesIndex);
                    e[k] = run(bb, ps, m, g, DataType.FLOAT64).energy();
                }
                smallest = Math.min(smallest, Math.abs(e[1] - e[0]));
            }
        }
        System.out.printf(Locale.ROOT, "PET backbone under the fixture rotation Q: smallest |ΔE| over the cases %.2e eV%n",
                smallest);
        assertThat(smallest).isGreaterThan(1e-3);
    }

    /**
     * Worst [rel ΔE, Δe_i, ΔF] in reference order and [rel ΔE, ΔF] with the foundation's neighbour list,
     * over the five cases and three orientations.
     */
    private static double[] compareAll(DataType type, String refKey) throws Exception {
        double[] worst = new double[5];
        JsonNode backbone = PetFixtures.json("backbone.json");
        try (NDManager m = Backend.get().newManager()) {
            PetBlock block = PetFixtures.block(m, type);
            PetBackbone bb = new PetBackbone(block);
            ParameterStore ps = PetFixtures.store(m);
            for (String name : PetFixtures.CASES) {
                for (String o : ORIENTATIONS) {
                    JsonNode in = PetFixtures.input(name, o);
                    JsonNode ref = backbone.get(name).get(o).get(refKey);
                    double eRef = ref.get("energy").asDouble();
                    double[][] fRef = PetFixtures.matrix(ref.get("forces"));
                    double[] aRef = PetFixtures.vector(ref.get("per_atom"));
                    for (int variant = 0; variant < 2; variant++) {
                        PetGraph g = variant == 0 ? PetFixtures.referenceGraph(PetFixtures.neighbourKey(name, o), in)
                                : PetGraph.of(PetFixtures.structure(in), 5.0, PetFixtures::speciesIndex);
                        Result r = run(bb, ps, m, g, type);
                        double de = Math.abs(r.energy - eRef) / Math.abs(eRef);
                        double df = 0;
                        for (int i = 0; i < fRef.length; i++) {
                            for (int a = 0; a < 3; a++) {
                                df = Math.max(df, Math.abs(r.forces[i][a] - fRef[i][a]));
                            }
                        }
                        if (variant == 0) {
                            worst[0] = Math.max(worst[0], de);
                            worst[2] = Math.max(worst[2], df);
                            for (int i = 0; i < aRef.length; i++) {
                                worst[1] = Math.max(worst[1], Math.abs(r.perAtom[i] - aRef[i]));
                            }
                        } else {
                            worst[3] = Math.max(worst[3], de);
                            worst[4] = Math.max(worst[4], df);
                        }
                    }
                }
            }
        }
        return worst;
    }

    record Result(double energy, double[] perAtom, double[][] forces) {
    }

    /** Energy, per-atom energies and forces of one structure (forces by autograd through the edge vectors). */
    static Result run(PetBackbone bb, ParameterStore ps, NDManager parent, PetGraph g, DataType type) {
        try (NDManager sm = parent.newSubManager()) {
            NDArray x = g.edgeVectors(sm, type);
            x.setRequiresGradient(true);
            double e;
            double[] atoms;
            double[][] f = new double[g.atomCount()][3];
            try (GradientCollector gc = Backend.get().engine().newGradientCollector()) {
                NDArray atomE = bb.atomEnergies(ps, g, x, false);
                NDArray total = atomE.sum();
                Autograd.backward(total);
                e = total.toType(DataType.FLOAT64, false).getDouble();
                atoms = atomE.toType(DataType.FLOAT64, false).toDoubleArray();
                double[] fv = PetBackbone.forces(g, x.getGradient()).toType(DataType.FLOAT64, false).toDoubleArray();
                for (int i = 0; i < g.atomCount(); i++) {
                    for (int a = 0; a < 3; a++) {
                        f[i][a] = fv[3 * i + a];
                    }
                }
            }
            Autograd.zeroGrad(new ArrayList<>(List.of()));
            return new Result(e, atoms, f);
        }
    }
}
