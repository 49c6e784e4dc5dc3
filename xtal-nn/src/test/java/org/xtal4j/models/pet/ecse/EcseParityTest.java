package org.xtal4j.models.pet.ecse;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xtal4j.nn.Backend;
import org.xtal4j.testing.SharedData;

/**
 * ECSE against the reference's vectors in {@code testdata/pet-parity} (functions.json, neighbors.json,
 * ecse.json): switching functions, R_in, every candidate frame and its factors, the global max weight, w_aux,
 * τ, the four pruning stages, the final frames and weights, and E_S from the reference's per-frame backbone
 * energies; float32 against the float32 run; the rotated copies select rotated frames (same energies).
 */
@Tag("shared")
class EcseParityTest {

    private static final List<String> CASES = List.of("ch4_a", "ch4_b", "graphite_a", "graphite_b", "cu_fcc_rattled");
    private static NDManager manager;
    private static JsonNode functions;
    private static JsonNode neighbors;
    private static JsonNode ecse;

    @BeforeAll
    static void load() throws IOException {
        Path dir = SharedData.resolve("testdata/pet-parity");
        ObjectMapper om = new ObjectMapper();
        functions = om.readTree(dir.resolve("functions.json").toFile());
        neighbors = om.readTree(dir.resolve("neighbors.json").toFile());
        ecse = om.readTree(dir.resolve("ecse.json").toFile());
        manager = Backend.get().newManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static double[] doubles(JsonNode n) {
        double[] d = new double[n.size()];
        for (int k = 0; k < d.length; k++) {
            d[k] = n.get(k).asDouble();
        }
        return d;
    }

    private static int[] ints(JsonNode n) {
        int[] d = new int[n.size()];
        for (int k = 0; k < d.length; k++) {
            d[k] = n.get(k).asInt();
        }
        return d;
    }

    private static double rel(double a, double b) {
        return Math.abs(a - b) / Math.max(1e-300, Math.max(Math.abs(a), Math.abs(b)));
    }

    static EcseEdges edges(NDManager m, String name, DataType dt) {
        JsonNode c = neighbors.get(name);
        int[] i = ints(c.get("i"));
        int[] j = ints(c.get("j"));
        double[] v = new double[3 * i.length];
        for (int e = 0; e < i.length; e++) {
            for (int k = 0; k < 3; k++) {
                v[3 * e + k] = c.get("vector").get(e).get(k).asDouble();
            }
        }
        int n = c.get("n_neighbors_per_atom").size();
        NDArray x = m.create(v, new Shape(i.length, 3)).toType(dt, false);
        return new EcseEdges(n, i, j, x);
    }

    private static EcseConfig config() {
        return EcseConfig.builder(5.0).build();
    }

    @Test
    void switchingFunctionsMatchTheReferenceSamples() {
        double worst = 0;
        JsonNode f = functions.get("ecse_cutoff_tanh");
        double[] r = doubles(f.get("r"));
        double[] val = doubles(f.get("value"));
        NDArray nr = manager.create(r);
        double[] nd = Tensors.host(Switching.cutoff(nr, f.get("r_cut").asDouble(), f.get("delta").asDouble()));
        for (int k = 0; k < r.length; k++) {
            worst = Math.max(worst, Math.abs(Switching.cutoff(r[k], f.get("r_cut").asDouble(),
                    f.get("delta").asDouble()) - val[k]));
            worst = Math.max(worst, Math.abs(nd[k] - val[k]));
        }
        for (String key : List.of("ecse_q_tanh_no_linear", "ecse_q_tanh_linear")) {
            JsonNode q = functions.get(key);
            boolean linear = key.endsWith("_linear") && !key.contains("no_linear");
            double[] s = doubles(q.get("s"));
            double[] v = doubles(q.get("value"));
            double w = q.get("w").asDouble();
            double d = q.get("delta").asDouble();
            double[] qd = Tensors.host(Switching.switchOn(manager.create(s), w, d, linear));
            double[] qt = Tensors.host(Switching.switchOn(manager.create(s), manager.create(w), manager.create(d),
                    linear));
            for (int k = 0; k < s.length; k++) {
                worst = Math.max(worst, Math.abs(Switching.switchOn(s[k], w, d, linear) - v[k]));
                worst = Math.max(worst, Math.abs(qd[k] - v[k]));
                worst = Math.max(worst, Math.abs(qt[k] - v[k]));
            }
        }
        JsonNode sm = functions.get("smooth_max_weighted");
        double[] values = doubles(sm.get("values"));
        double[] weights = doubles(sm.get("weights"));
        for (String b : List.of("5", "minus5", "1")) {
            double beta = b.equals("minus5") ? -5 : Double.parseDouble(b);
            double expected = sm.get("beta_" + b).asDouble();
            worst = Math.max(worst, rel(Switching.smoothMax(values, weights, beta), expected));
            worst = Math.max(worst, rel(Tensors.scalar(Switching.smoothMax(manager.create(values),
                    manager.create(weights), beta)), expected));
        }
        JsonNode t = functions.get("T_beta");
        worst = Math.max(worst, rel(LambertW.w0(Math.exp(-1)), t.get("lambert_w0_of_exp_minus_1").asDouble()));
        worst = Math.max(worst, rel(Switching.tBeta(t.get("beta").asDouble()), t.get("value").asDouble()));
        JsonNode fe = functions.get("frame_example");
        double[] frame = Tensors.host(LocalFrames.fromPairs(manager.create(doubles(fe.get("a")), new Shape(1, 3)),
                manager.create(doubles(fe.get("b")), new Shape(1, 3))));
        for (int rr = 0; rr < 3; rr++) {
            for (int cc = 0; cc < 3; cc++) {
                worst = Math.max(worst, Math.abs(frame[3 * rr + cc]
                        - fe.get("frame_columns_e1_e2_e3").get(rr).get(cc).asDouble()));
            }
        }
        System.out.printf("ECSE switching functions, T(β), frame: worst |error| %.2e%n", worst);
        assertThat(worst).isLessThan(1e-14);
    }

    @Test
    void framesAndWeightsMatchTheReferenceInFloat64() {
        double wRin = 0;
        double wCand = 0;
        double wFrame = 0;
        double wGlobal = 0;
        double wStage = 0;
        double wFinal = 0;
        double wEnergy = 0;
        for (String name : CASES) {
            JsonNode ref = ecse.get(name).get("float64");
            try (NDManager m = manager.newSubManager()) {
                EcseEdges edges = edges(m, name, DataType.FLOAT64);
                EcseFrames fr = new FrameSelector(config()).select(edges);
                double[] rIn = Tensors.host(fr.rIn());
                double[] rRef = doubles(ref.get("r_in"));
                for (int k = 0; k < rIn.length; k++) {
                    wRin = Math.max(wRin, rel(rIn[k], rRef[k]));
                }
                JsonNode cand = ref.get("candidates");
                assertThat(fr.numCandidates()).as(name + " candidates").isEqualTo(cand.get("count").asInt());
                int[] start = starts(edges);
                double[] fA = Tensors.host(fr.fA());
                double[] fB = Tensors.host(fr.fB());
                double[] qs = Tensors.host(fr.qSpread());
                double[] w = Tensors.host(fr.candidateWeights());
                double[] frames = Tensors.host(fr.candidateFrames());
                for (int k = 0; k < fr.numCandidates(); k++) {
                    int atom = fr.candidateAtom()[k];
                    assertThat(atom).isEqualTo(cand.get("i").get(k).asInt());
                    assertThat(fr.candidateEdgeA()[k] - start[atom]).isEqualTo(cand.get("p").get(k).asInt());
                    assertThat(fr.candidateEdgeB()[k] - start[atom]).isEqualTo(cand.get("q").get(k).asInt());
                    wCand = Math.max(wCand, rel(fA[k], cand.get("f_a").get(k).asDouble()));
                    wCand = Math.max(wCand, rel(fB[k], cand.get("f_b").get(k).asDouble()));
                    wCand = Math.max(wCand, rel(qs[k], cand.get("q_spread").get(k).asDouble()));
                    wCand = Math.max(wCand, rel(w[k], cand.get("weight").get(k).asDouble()));
                    for (int rr = 0; rr < 3; rr++) {
                        for (int cc = 0; cc < 3; cc++) {
                            wFrame = Math.max(wFrame, Math.abs(frames[9 * k + 3 * rr + cc]
                                    - cand.get("frame").get(k).get(rr).get(cc).asDouble()));
                        }
                    }
                }
                JsonNode g = ref.get("global");
                assertThat(fr.keptAfterZeroFilter()).containsExactly(ints(g.get("kept_after_zero_filter")));
                wGlobal = Math.max(wGlobal, rel(Tensors.scalar(fr.smoothMaxWeight()),
                        g.get("smooth_max_weight").asDouble()));
                wGlobal = Math.max(wGlobal, Math.abs(fr.auxWeightValue() - g.get("weight_aux").asDouble()));
                wGlobal = Math.max(wGlobal, Math.abs(Tensors.scalar(fr.tau()) - g.get("pruning_switch_tau").asDouble()));
                JsonNode stages = g.get("pruning_stages");
                assertThat(fr.stages()).hasSize(stages.size());
                for (int s = 0; s < stages.size(); s++) {
                    PruningStage st = fr.stages().get(s);
                    JsonNode rs = stages.get(s);
                    assertThat(st.candidatesIn()).containsExactly(ints(rs.get("candidates_in")));
                    assertThat(st.candidatesOut()).containsExactly(ints(rs.get("candidates_out")));
                    wStage = Math.max(wStage, rel(st.smoothMax(), rs.get("smooth_max").asDouble()));
                    double[] fac = doubles(rs.get("factors"));
                    double[] wo = doubles(rs.get("weights_out"));
                    for (int k = 0; k < fac.length; k++) {
                        wStage = Math.max(wStage, Math.abs(st.factors()[k] - fac[k]));
                        wStage = Math.max(wStage, rel(st.weightsOut()[k], wo[k]));
                    }
                }
                JsonNode fin = ref.get("final");
                assertThat(fr.finalCandidates()).containsExactly(ints(fin.get("candidate_index")));
                double[] fw = Tensors.host(fr.weights());
                double[] ff = Tensors.host(fr.frames());
                double[] fwRef = doubles(fin.get("weight"));
                for (int k = 0; k < fw.length; k++) {
                    wFinal = Math.max(wFinal, rel(fw[k], fwRef[k]));
                    for (int rr = 0; rr < 3; rr++) {
                        for (int cc = 0; cc < 3; cc++) {
                            wFrame = Math.max(wFrame, Math.abs(ff[9 * k + 3 * rr + cc]
                                    - fin.get("frame").get(k).get(rr).get(cc).asDouble()));
                        }
                    }
                }
                // E_S from the reference's per-frame backbone energies
                LookupBackbone lookup = new LookupBackbone(edges.vectors(), fin);
                EcseResult res = new Ecse(config(), lookup, null).energy(edges);
                wEnergy = Math.max(wEnergy, rel(res.energyValue(), ref.get("energy").asDouble()));
                assertThat(lookup.calls).isEqualTo(fw.length);
            }
        }
        System.out.printf("ECSE parity (float64, worst relative unless noted): R_in %.2e, candidate factors and "
                + "weights %.2e, frames (abs) %.2e, M/w_aux/τ %.2e, pruning stages %.2e, final weights %.2e, "
                + "E_S %.2e%n", wRin, wCand, wFrame, wGlobal, wStage, wFinal, wEnergy);
        assertThat(wRin).isLessThan(1e-12);
        assertThat(wCand).isLessThan(1e-10);
        assertThat(wFrame).isLessThan(1e-12);
        assertThat(wGlobal).isLessThan(1e-12);
        assertThat(wStage).isLessThan(1e-10);
        assertThat(wFinal).isLessThan(1e-10);
        assertThat(wEnergy).isLessThan(1e-12);
    }

    @Test
    void float32SelectsTheSameFramesWithinTheSuggestedTolerances() {
        double wRin = 0;
        double wRin64 = 0;
        double wW = 0;
        double wWmax = 0;
        for (String name : CASES) {
            JsonNode ref = ecse.get(name);
            try (NDManager m = manager.newSubManager()) {
                EcseFrames fr = new FrameSelector(config()).select(edges(m, name, DataType.FLOAT32));
                assertThat(fr.rIn().getDataType()).isEqualTo(DataType.FLOAT32);
                double[] rIn = Tensors.host(fr.rIn());
                double[] r32 = doubles(ref.get("float32").get("r_in"));
                double[] r64 = doubles(ref.get("float64").get("r_in"));
                for (int k = 0; k < rIn.length; k++) {
                    wRin = Math.max(wRin, Math.abs(rIn[k] - r32[k]));
                    wRin64 = Math.max(wRin64, Math.abs(rIn[k] - r64[k]));
                }
                assertThat(fr.numCandidates()).isEqualTo(ref.get("float32").get("n_candidates").asInt());
                assertThat(fr.numFrames()).isEqualTo(ref.get("float32").get("n_frames_final").asInt());
                assertThat(fr.finalCandidates())
                        .containsExactly(ints(ref.get("float64").get("final").get("candidate_index")));
                double[] fw = Tensors.host(fr.weights());
                double[] f64 = doubles(ref.get("float64").get("final").get("weight"));
                double max = java.util.Arrays.stream(f64).max().orElseThrow();
                for (int k = 0; k < fw.length; k++) {
                    // weights far below the maximum sit on the steep part of the pruning switch
                    if (f64[k] >= 0.01 * max) {
                        wW = Math.max(wW, rel(fw[k], f64[k]));
                    }
                    wWmax = Math.max(wWmax, Math.abs(fw[k] - f64[k]) / max);
                }
            }
        }
        System.out.printf("ECSE float32: R_in vs float64 %.2e abs (vs the reference's float32 run %.2e); final "
                + "weights vs float64: %.2e rel (weights ≥ 1%% of the max), %.2e of the max weight (all)%n",
                wRin64, wRin, wW, wWmax);
        assertThat(wRin64).isLessThan(2e-6);
        assertThat(wRin).isLessThan(2e-5);
        assertThat(wW).isLessThan(1e-3);
        assertThat(wWmax).isLessThan(1e-4);
    }

    @Test
    void rotatedStructuresSelectTheRotatedFrames() {
        // X' = X·Qᵀ and F' = Q·F, so X'·F' = X·F: every rotated copy must be one of the original's X·F_f
        double worst = 0;
        for (String name : CASES) {
            JsonNode ref = ecse.get(name).get("float64");
            try (NDManager m = manager.newSubManager()) {
                EcseEdges original = edges(m, name, DataType.FLOAT64);
                EcseEdges rotated = edges(m, name + "_rotated", DataType.FLOAT64);
                LookupBackbone lookup = new LookupBackbone(original.vectors(), ref.get("final"));
                EcseResult res = new Ecse(config(), lookup, null).energy(rotated);
                worst = Math.max(worst, rel(res.energyValue(), ref.get("energy").asDouble()));
                worst = Math.max(worst, lookup.worstMatch);
            }
        }
        System.out.printf("ECSE rotated copies: worst |X'F' − XF| or E_S relative error %.2e%n", worst);
        assertThat(worst).isLessThan(1e-12);
    }

    private static int[] starts(EcseEdges edges) {
        int[] s = new int[edges.numAtoms()];
        for (int i = 0; i < s.length; i++) {
            int[] e = edges.edgesOf(i);
            s[i] = e.length == 0 ? 0 : e[0];
        }
        return s;
    }

    /** Returns the reference's backbone energy of the final frame whose X·F_f equals the input. */
    static final class LookupBackbone implements EcseBackbone {
        private final double[][] rotated;
        private final double[] energies;
        int calls;
        double worstMatch;

        LookupBackbone(NDArray x, JsonNode fin) {
            int nf = fin.get("weight").size();
            rotated = new double[nf][];
            energies = doubles(fin.get("backbone_energy_in_frame"));
            double[] xs = Tensors.host(x);
            int e = xs.length / 3;
            for (int f = 0; f < nf; f++) {
                JsonNode fr = fin.get("frame").get(f);
                double[] r = new double[3 * e];
                for (int k = 0; k < e; k++) {
                    for (int c = 0; c < 3; c++) {
                        double s = 0;
                        for (int t = 0; t < 3; t++) {
                            s += xs[3 * k + t] * fr.get(t).get(c).asDouble();
                        }
                        r[3 * k + c] = s;
                    }
                }
                rotated[f] = r;
            }
        }

        @Override
        public NDArray energy(NDArray rotatedEdgeVectors) {
            calls++;
            double[] in = Tensors.host(rotatedEdgeVectors);
            int best = -1;
            double bestErr = Double.MAX_VALUE;
            for (int f = 0; f < rotated.length; f++) {
                double err = 0;
                for (int k = 0; k < in.length; k++) {
                    err = Math.max(err, Math.abs(in[k] - rotated[f][k]));
                }
                if (err < bestErr) {
                    bestErr = err;
                    best = f;
                }
            }
            assertThat(bestErr).as("no reference frame matches the rotated copy").isLessThan(1e-9);
            worstMatch = Math.max(worstMatch, bestErr);
            return rotatedEdgeVectors.getManager().create(energies[best]);
        }
    }
}
