package org.xtal4j.models.pet.ecse;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.function.DoubleFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xtal4j.nn.Autograd;
import org.xtal4j.nn.Backend;

/**
 * Forces = −∂E_S/∂r by autograd through frames, R_in, weights, pruning and w_aux, checked by central finite
 * differences; the frame-batched backward equals the one-graph backward; E_S and forces stay continuous where a
 * pair of neighbours becomes collinear (spread crosses W − ΔW) and where a neighbour crosses R_in. The smoothness
 * scans run without the reference's epsilon filter: with it (weights ≤ 1e−10 dropped) the forces step by up to
 * ~3e−6 where a frame drops out (measured on the R_in path), since a weight of 1e−10 on the steep flank of a
 * switch still has a non-negligible derivative; the energy step stays ≤ 1e−10.
 */
class EcseForcesAndSmoothnessTest {

    private static NDManager manager;
    private static final EcseConfig CFG = EcseConfig.builder(EcseToys.R_CUT).build();
    private static final EcseBackbone TOY = EcseToys.toy(false);
    /** Without the epsilon filter only exactly-zero weights leave the ensemble: the switches alone decide. */
    private static final EcseConfig EXACT = CFG.toBuilder().epsilon(0).build();

    @BeforeAll
    static void start() {
        manager = Backend.get().newManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static EnergyAndForces ef(EcseConfig cfg, EcseBackbone aux, double[][] pos) {
        try (NDManager sm = manager.newSubManager()) {
            return new Ecse(cfg, TOY, aux).energyAndForces(EcseToys.edges(sm, pos, DataType.FLOAT64));
        }
    }

    private static double fdWorst(EcseConfig cfg, EcseBackbone aux, double[][] pos, EnergyAndForces ref, double h) {
        double worst = 0;
        for (int i = 0; i < pos.length; i++) {
            for (int k = 0; k < 3; k++) {
                double[][] p = EcseToys.copy(pos);
                p[i][k] += h;
                double ep = EcseToys.energy(manager, cfg, TOY, aux, p);
                p[i][k] -= 2 * h;
                double em = EcseToys.energy(manager, cfg, TOY, aux, p);
                worst = Math.max(worst, Math.abs(-(ep - em) / (2 * h) - ref.forces()[i][k]));
            }
        }
        return worst;
    }

    @Test
    void forcesMatchFiniteDifferences() {
        double[][] pos = EcseToys.cluster(6, 11);
        EnergyAndForces ref = ef(CFG, null, pos);
        double worst = fdWorst(CFG, null, pos, ref, 1e-6);
        // a weak ensemble: gradients also flow through w_aux and the auxiliary model
        double[][] kinked = {{0, 0, 0}, {1.2, 0, 0}, {2.4, 0.45, 0}};
        EnergyAndForces weak = ef(CFG, EcseToys.invariant(), kinked);
        assertThat(weak.auxWeight()).isBetween(1e-6, 1 - 1e-6);
        double worstWeak = fdWorst(CFG, EcseToys.invariant(), kinked, weak, 1e-6);
        EcseConfig extra = CFG.toBuilder().randomAdditionalRotations(2, 5).frameBatchSize(3).build();
        double worstExtra = fdWorst(extra, null, pos, ef(extra, null, pos), 1e-6);
        System.out.printf("ECSE forces vs central differences (h = 1e-6): worst %.2e (%d frames), weak ensemble "
                + "with aux %.2e (w_aux %.3f), 2 extra rotations %.2e%n", worst, ref.numFrames(), worstWeak,
                weak.auxWeight(), worstExtra);
        assertThat(worst).isLessThan(1e-7);
        assertThat(worstWeak).isLessThan(1e-7);
        assertThat(worstExtra).isLessThan(1e-7);
        // momentum conservation: the forces of an isolated cluster sum to zero
        double[] sum = new double[3];
        for (double[] f : ref.forces()) {
            for (int k = 0; k < 3; k++) {
                sum[k] += f[k];
            }
        }
        assertThat(Arrays.stream(sum).map(Math::abs).max().orElseThrow()).isLessThan(1e-12);
    }

    @Test
    void frameBatchingDoesNotChangeEnergyOrForces() {
        double[][] pos = EcseToys.cluster(6, 21);
        EnergyAndForces one = ef(CFG.toBuilder().frameBatchSize(1).build(), null, pos);
        EnergyAndForces all = ef(CFG.toBuilder().frameBatchSize(1000).build(), null, pos);
        double[] graph;
        double eGraph;
        try (NDManager sm = manager.newSubManager();
                GradientCollector gc = Backend.get().engine().newGradientCollector()) {
            EcseEdges e = EcseToys.edges(sm, pos, DataType.FLOAT64);
            e.vectors().setRequiresGradient(true);
            NDArray es = new Ecse(CFG, TOY, null).energy(e).energy();
            eGraph = Tensors.scalar(es);
            Autograd.backward(es);
            graph = Tensors.host(e.vectors().getGradient());
        }
        assertThat(one.energy()).isCloseTo(all.energy(), org.assertj.core.data.Offset.offset(1e-13));
        assertThat(eGraph).isCloseTo(all.energy(), org.assertj.core.data.Offset.offset(1e-13));
        for (int k = 0; k < graph.length; k++) {
            assertThat(one.edgeGradients()[k]).isCloseTo(graph[k], org.assertj.core.data.Offset.offset(1e-13));
            assertThat(all.edgeGradients()[k]).isCloseTo(graph[k], org.assertj.core.data.Offset.offset(1e-13));
        }
    }

    @Test
    void repeatedCallsOnTheSameEdgesAgreeAndLeaveTheInputAlone() {
        double[][] pos = EcseToys.cluster(6, 11);
        try (NDManager sm = manager.newSubManager()) {
            EcseEdges e = EcseToys.edges(sm, pos, DataType.FLOAT64);
            double[] before = Tensors.host(e.vectors());
            Ecse ecse = new Ecse(CFG.toBuilder().frameBatchSize(1).build(), TOY, null);
            EnergyAndForces a = ecse.energyAndForces(e);
            EnergyAndForces b = new Ecse(CFG, TOY, null).energyAndForces(e);
            double c = new Ecse(CFG, TOY, null).energy(e).energyValue();
            assertThat(Tensors.host(e.vectors())).containsExactly(before);
            assertThat(b.numFrames()).isEqualTo(a.numFrames());
            assertThat(b.energy()).isCloseTo(a.energy(), org.assertj.core.data.Offset.offset(1e-13));
            assertThat(c).isCloseTo(a.energy(), org.assertj.core.data.Offset.offset(1e-13));
        }
    }

    /** Five atoms; atom 2 bends towards the line 1–0–2 as θ → 0 and atom 4 sits at distance s from atom 0. */
    private static double[][] bent(double theta, double s) {
        double[] u = {-0.3, -1.0, -0.5};
        double n = Math.sqrt(0.09 + 1 + 0.25);
        return new double[][] {{0, 0, 0}, {1.1, 0, 0}, {-1.15 * Math.cos(theta), 1.15 * Math.sin(theta), 0},
            {0.2, 0.3, 1.2}, {s * u[0] / n, s * u[1] / n, s * u[2] / n}};
    }

    @Test
    void continuousWhereAPairBecomesCollinear() {
        List<Event> events = scan(EXACT, t -> bent(t, 1.158), 0.5, -0.05);
        boolean spreadEvent = false;
        for (Event ev : events) {
            spreadEvent |= ev.spreadNearThreshold;
        }
        report("collinear path, epsilon 0", events, 1e-10, 1e-7);
        assertThat(spreadEvent).as("a pair crosses spread = W − ΔW on the path").isTrue();
    }

    @Test
    void continuousWhereANeighbourCrossesTheInnerCutoff() {
        List<Event> events = scan(EXACT, s -> bent(0.5, s), 1.0, 2.6);
        boolean rInEvent = false;
        for (Event ev : events) {
            rInEvent |= ev.lengthAtInnerCutoff;
        }
        report("R_in path, epsilon 0", events, 1e-10, 1e-7);
        assertThat(rInEvent).as("a neighbour crosses R_in on the path").isTrue();
    }

    private static void report(String name, List<Event> events, double tolE, double tolF) {
        double dE = 0;
        double dF = 0;
        double slope = 0;
        for (Event ev : events) {
            dE = Math.max(dE, ev.jumpE);
            dF = Math.max(dF, ev.jumpF);
            slope = Math.max(slope, ev.slopeMismatch);
        }
        System.out.printf("ECSE smoothness, %s: %d events where the candidate or final frame set changes; "
                + "worst |ΔE| %.2e, |ΔF| %.2e across them, worst |dE/dt (FD) + F·dr/dt| %.2e%n",
                name, events.size(), dE, dF, slope);
        assertThat(events).isNotEmpty();
        assertThat(dE).isLessThan(tolE);
        assertThat(dF).isLessThan(tolF);
        assertThat(slope).isLessThan(1e-5);
    }

    private record Event(double t, double jumpE, double jumpF, double slopeMismatch, boolean spreadNearThreshold,
            boolean lengthAtInnerCutoff) {
    }

    /** Frame-set keys along the path; every change is bisected and checked for continuity. */
    private static List<Event> scan(EcseConfig cfg, DoubleFunction<double[][]> path, double t0, double t1) {
        int n = 30;
        List<Event> events = new ArrayList<>();
        String prev = key(cfg, path.apply(t0));
        double tPrev = t0;
        for (int k = 1; k <= n; k++) {
            double t = t0 + (t1 - t0) * k / n;
            String cur = key(cfg, path.apply(t));
            if (!cur.equals(prev)) {
                events.add(event(cfg, path, tPrev, t, prev));
            }
            prev = cur;
            tPrev = t;
        }
        return events;
    }

    private static Event event(EcseConfig cfg, DoubleFunction<double[][]> path, double a, double b, String keyA) {
        for (int it = 0; it < 34; it++) {
            double m = 0.5 * (a + b);
            if (key(cfg, path.apply(m)).equals(keyA)) {
                a = m;
            } else {
                b = m;
            }
        }
        double[][] pa = path.apply(a);
        double[][] pb = path.apply(b);
        EnergyAndForces ea = ef(cfg, null, pa);
        EnergyAndForces eb = ef(cfg, null, pb);
        double jf = 0;
        for (int i = 0; i < pa.length; i++) {
            for (int k = 0; k < 3; k++) {
                jf = Math.max(jf, Math.abs(ea.forces()[i][k] - eb.forces()[i][k]));
            }
        }
        // dE/dt by central differences against −F·dr/dt, on both sides of the event
        double slope = 0;
        double d = 1e-6;
        for (double t : new double[] {a, b}) {
            double fd = (EcseToys.energy(manager, cfg, TOY, null, path.apply(t + d))
                    - EcseToys.energy(manager, cfg, TOY, null, path.apply(t - d))) / (2 * d);
            double[][] p1 = path.apply(t + d);
            double[][] p0 = path.apply(t - d);
            EnergyAndForces e = t == a ? ea : eb;
            double proj = 0;
            for (int i = 0; i < p1.length; i++) {
                for (int k = 0; k < 3; k++) {
                    proj += e.forces()[i][k] * (p1[i][k] - p0[i][k]) / (2 * d);
                }
            }
            slope = Math.max(slope, Math.abs(fd + proj));
        }
        boolean spread = false;
        boolean rIn = false;
        for (double[][] p : new double[][][] {pa, pb}) {
            try (NDManager sm = manager.newSubManager()) {
                EcseEdges edges = EcseToys.edges(sm, p, DataType.FLOAT64);
                EcseFrames fr = new FrameSelector(cfg).select(edges);
                double[] x = Tensors.host(edges.vectors());
                double[] rin = Tensors.host(fr.rIn());
                for (int c = 0; c < fr.numCandidates(); c++) {
                    double[] u = Arrays.copyOfRange(x, 3 * fr.candidateEdgeA()[c], 3 * fr.candidateEdgeA()[c] + 3);
                    double[] v = Arrays.copyOfRange(x, 3 * fr.candidateEdgeB()[c], 3 * fr.candidateEdgeB()[c] + 3);
                    double lu = Math.sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
                    double lv = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
                    double cx = (u[1] * v[2] - u[2] * v[1]) / (lu * lv);
                    double cy = (u[2] * v[0] - u[0] * v[2]) / (lu * lv);
                    double cz = (u[0] * v[1] - u[1] * v[0]) / (lu * lv);
                    spread |= Math.abs(cx * cx + cy * cy + cz * cz - (CFG.w() - CFG.deltaW())) < 1e-8;
                    double r = rin[fr.candidateAtom()[c]];
                    rIn |= Math.abs(lu - r) < 1e-8 || Math.abs(lv - r) < 1e-8;
                }
            }
        }
        return new Event(a, Math.abs(ea.energy() - eb.energy()), jf, slope, spread, rIn);
    }

    private static String key(EcseConfig cfg, double[][] pos) {
        try (NDManager sm = manager.newSubManager()) {
            EcseFrames fr = new FrameSelector(cfg).select(EcseToys.edges(sm, pos, DataType.FLOAT64));
            TreeSet<String> s = new TreeSet<>();
            for (int c = 0; c < fr.numCandidates(); c++) {
                s.add(fr.candidateAtom()[c] + ":" + fr.candidateEdgeA()[c] + ":" + fr.candidateEdgeB()[c]);
            }
            List<String> fin = new ArrayList<>();
            for (int f : fr.finalCandidates()) {
                fin.add(fr.candidateAtom()[f] + ":" + fr.candidateEdgeA()[f] + ":" + fr.candidateEdgeB()[f]);
            }
            java.util.Collections.sort(fin);
            return s + "|" + fin;
        }
    }
}
