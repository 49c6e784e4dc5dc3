package org.xtal4j.models.pet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Map;
import org.xtal4j.nn.NnOps;
import org.xtal4j.nn.HostArrays;

/**
 * The PET backbone as a function of edge vectors: the entry point for energies, forces and for ECSE.
 *
 * <p>Exact signatures:
 * <pre>
 * public NDArray energy(ParameterStore ps, PetGraph graph, NDArray edgeVectors, boolean training)
 *     // (B) backbone energy per structure of the graph (B = graph.structureCount(); 1 for one structure),
 *     // without self-contributions; edgeVectors (E, 3) in graph edge order, any dtype the block has, may
 *     // carry autograd (e.g. rotated vectors X·F of ECSE): the result is differentiable w.r.t. them.
 * public NDArray atomEnergies(ParameterStore ps, PetGraph graph, NDArray edgeVectors, boolean training)
 *     // (N) per-atom backbone energies
 * public static NDArray forces(PetGraph graph, NDArray edgeGradients)
 *     // (N, 3) F_i = Σ_p G_ip − Σ_p G_{j_p, rev(i,p)} from G = ∂E/∂x (E, 3): forces = −∂E/∂r
 * </pre>
 * Periodic structures need nothing more: r_ij = r_j − r_i + S·C is already in the edge vectors, and the
 * edge-gradient formula is −∂E/∂r_i for fixed cell. Arrays made inside belong to an {@link NDScope} that is
 * closed on return (the autograd graph keeps what it needs); the result is owned by the caller's scope.
 */
public final class PetBackbone {

    private final PetBlock block;

    public PetBackbone(PetBlock block) {
        this.block = block;
    }

    public PetBlock block() {
        return block;
    }

    /** Backbone energy per structure (B), differentiable w.r.t. {@code edgeVectors} and the parameters. */
    public NDArray energy(ParameterStore ps, PetGraph graph, NDArray edgeVectors, boolean training) {
        NDArray e;
        NDScope scope = new NDScope();
        try {
            NDArray atomE = atomEnergiesInScope(ps, graph, edgeVectors, training, null);
            e = perStructure(graph, atomE);
            NDScope.unregister(e);
        } finally {
            scope.close();
        }
        return handOver(e, edgeVectors);
    }

    /**
     * Gives a result to the caller: the ops that made it started from a parameter, so it belongs to the
     * parameters' long-lived manager, and unregistering it from the inner scope left it in no scope. Kept
     * there it would live (with the whole autograd graph it holds) until the model is closed: a leak of
     * several MB per training step, measured. It goes to the edge vectors' manager and the caller's scope.
     */
    private static NDArray handOver(NDArray result, NDArray like) {
        result.attach(like.getManager());
        NDScope.register(result);
        return result;
    }

    /** Per-atom backbone energies (N). */
    public NDArray atomEnergies(ParameterStore ps, PetGraph graph, NDArray edgeVectors, boolean training) {
        return atomEnergies(ps, graph, edgeVectors, training, null);
    }

    /** Per-atom energies, recording the per-block intermediates into {@code trace} when it is not null. */
    public NDArray atomEnergies(ParameterStore ps, PetGraph graph, NDArray edgeVectors, boolean training,
                                Map<String, NDArray> trace) {
        NDArray atomE;
        NDScope scope = new NDScope();
        try {
            atomE = atomEnergiesInScope(ps, graph, edgeVectors, training, trace);
            NDScope.unregister(atomE);
            if (trace != null) {
                trace.values().forEach(NDScope::unregister);
            }
        } finally {
            scope.close();
        }
        if (trace != null) {
            trace.values().forEach(t -> handOver(t, edgeVectors));
        }
        return handOver(atomE, edgeVectors);
    }

    private NDArray atomEnergiesInScope(ParameterStore ps, PetGraph graph, NDArray x, boolean training,
                                       Map<String, NDArray> trace) {
        if (x.getShape().dimension() != 2 || x.getShape().get(0) != graph.edgeCount() || x.getShape().get(1) != 3) {
            throw new IllegalArgumentException("edge vectors must be (" + graph.edgeCount() + ", 3), got "
                    + x.getShape());
        }
        NDManager m = x.getManager();
        PetBlock.Indices ix = new PetBlock.Indices(graph.atomCount(), graph.maxNeighbours(), graph.edgeCount(),
                HostArrays.of(m, graph.speciesLong()), HostArrays.of(m, graph.neighbourSpecies()),
                HostArrays.of(m, graph.slotEdge()), HostArrays.of(m, graph.edgeSlot()),
                HostArrays.of(m, graph.reverseLong()));
        return block.atomEnergies(ps, ix, x, training, trace);
    }

    /** Sums per-atom values (N) into structures (B). */
    public static NDArray perStructure(PetGraph graph, NDArray atomValues) {
        if (graph.structureCount() == 1) {
            return atomValues.sum(new int[] {0}, true);
        }
        NDArray seg = HostArrays.of(atomValues.getManager(), graph.structureOfLong());
        return NnOps.segmentSum(atomValues.reshape(graph.atomCount(), 1), seg, graph.structureCount())
                .reshape(graph.structureCount());
    }

    /**
     * Stresses (B, 3, 3) from the edge vectors x and edge gradients G = ∂E/∂x: σ_ab = (1/V) Σ_e x_ea G_eb, the
     * derivative (1/V) ∂E/∂ε_ab under the homogeneous strain x → x·(I + ε) of every edge vector (positions and
     * cell strained together, ASE's convention: positive = tensile). It is the full derivative with respect to a
     * general ε; its antisymmetric part is the response to an infinitesimal rotation, zero for a
     * rotation-invariant energy (ECSE) but not for the raw backbone. {@code inverseVolumes} (B) is 1/V per
     * structure (0 for structures that are not periodic, whose rows are then 0). Differentiable in x and G.
     */
    public static NDArray stress(PetGraph graph, NDArray edgeVectors, NDArray edgeGradients, double[] inverseVolumes) {
        NDManager m = edgeGradients.getManager();
        int e = graph.edgeCount();
        int b = graph.structureCount();
        NDArray outer = edgeVectors.reshape(e, 3, 1).mul(edgeGradients.reshape(e, 1, 3)).reshape(e, 9);
        NDArray perStructure = b == 1 ? outer.sum(new int[] {0}, true)
                : NnOps.segmentSum(outer, HostArrays.of(m, graph.edgeStructure()), b);
        NDArray inv = HostArrays.of(m, inverseVolumes, edgeGradients.getDataType(), new Shape(b, 1));
        return perStructure.mul(inv).reshape(b, 3, 3);
    }

    /** The same on host arrays for one structure: (1/V) Σ_e x_eᵀ G_e from row-major (E·3) vectors and gradients. */
    public static double[][] stress(double[] edgeVectors, double[] edgeGradients, double volume) {
        double[][] s = new double[3][3];
        for (int k = 0; k < edgeVectors.length / 3; k++) {
            for (int a = 0; a < 3; a++) {
                for (int c = 0; c < 3; c++) {
                    s[a][c] += edgeVectors[3 * k + a] * edgeGradients[3 * k + c];
                }
            }
        }
        for (double[] row : s) {
            for (int c = 0; c < 3; c++) {
                row[c] /= volume;
            }
        }
        return s;
    }

    /**
     * Forces (N, 3) from edge gradients G = ∂E/∂x (E, 3): F_i = Σ_{edges e of i} (G_e − G_rev(e)), which is
     * −∂E/∂r_i because x_e = r_j − r_i + S·C. Differentiable (for force training, G carries its graph).
     */
    public static NDArray forces(PetGraph graph, NDArray edgeGradients) {
        NDManager m = edgeGradients.getManager();
        int n = graph.atomCount();
        int mx = graph.maxNeighbours();
        NDArray g = edgeGradients;
        NDArray diff = g.sub(g.get(new NDIndex("{}", HostArrays.of(m, graph.reverseLong()))));
        NDArray pad = diff.concat(m.zeros(new Shape(1, 3), g.getDataType()), 0);
        return pad.get(new NDIndex("{}", HostArrays.of(m, graph.slotEdge()))).reshape(n, mx, 3).sum(new int[] {1});
    }
}
