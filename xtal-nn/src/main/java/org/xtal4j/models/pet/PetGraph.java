package org.xtal4j.models.pet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.xtal4j.geometry.NeighbourList;
import org.xtal4j.structure.Structure;
import org.xtal4j.nn.HostArrays;

/**
 * PET's input graph (pet.md §1) for one structure or a batch of structures (their disjoint union): species
 * indices per atom, the full directed edge list (i, j, S) grouped by centre atom (CSR), each edge's reverse
 * edge (j, i, −S), and the edge vectors r_ij = r_j + S·C − r_i computed in double. Atom and edge indices of
 * a batch are those of its structures concatenated in order. Immutable; plain Java (no NDArrays).
 *
 * <p>The padded layout of the transformer: atom i's neighbours occupy slots {@code i·M + p}, p = 0..n_i−1,
 * of an (N, M) grid with M = {@link #maxNeighbours()}; {@link #slotEdge} maps each slot to its edge or to
 * the padding index E.
 */
public final class PetGraph {

    private final int atoms;
    private final int[] species;       // N
    private final int[] structureOf;   // N
    private final int structures;
    private final int[] offsets;       // N + 1
    private final int[] centre;        // E
    private final int[] neighbour;     // E
    private final int[] shift;         // 3E
    private final int[] reverse;       // E
    private final double[] vectors;    // 3E
    private final int maxNeighbours;

    private PetGraph(int[] species, int[] structureOf, int structures, int[] offsets, int[] centre,
                     int[] neighbour, int[] shift, int[] reverse, double[] vectors) {
        this.atoms = species.length;
        this.species = species;
        this.structureOf = structureOf;
        this.structures = structures;
        this.offsets = offsets;
        this.centre = centre;
        this.neighbour = neighbour;
        this.shift = shift;
        this.reverse = reverse;
        this.vectors = vectors;
        int m = 0;
        for (int i = 0; i < atoms; i++) {
            m = Math.max(m, offsets[i + 1] - offsets[i]);
        }
        this.maxNeighbours = m;
    }

    /**
     * The graph of one structure with the full neighbour list at {@code cutoff} (non-periodic axes have S = 0;
     * an extxyz molecule without a cell is non-periodic). {@code speciesIndex} maps an atomic number to the
     * model's species index and throws for unknown elements.
     */
    public static PetGraph of(Structure s, double cutoff, IntUnaryOperator speciesIndex) {
        if (!s.isOrdered()) {
            throw new IllegalArgumentException("PET needs an ordered structure (one element per site)");
        }
        NeighbourList nl = NeighbourList.of(s, cutoff);
        int[] z = s.atomicNumbers();
        int[] sp = new int[z.length];
        for (int i = 0; i < z.length; i++) {
            sp[i] = speciesIndex.applyAsInt(z[i]);
        }
        return new PetGraph(sp, new int[z.length], 1, nl.offsets(), nl.centres(), nl.neighbours(), nl.shifts(),
                nl.reverseIndex(), nl.vectors());
    }

    /**
     * A one-structure graph from an explicit edge list (e.g. a reference's order), edges grouped by centre in
     * increasing order; vectors are rebuilt from positions, cell (rows) and shifts. Checks the reverse index.
     */
    public static PetGraph fromEdges(int[] species, double[][] positions, double[][] cell, int[] centre,
                                     int[] neighbour, int[] shift, int[] reverse) {
        int n = species.length;
        int e = centre.length;
        int[] offsets = new int[n + 1];
        for (int k = 0; k < e; k++) {
            if (k > 0 && centre[k] < centre[k - 1]) {
                throw new IllegalArgumentException("edges must be grouped by centre atom in increasing order");
            }
            offsets[centre[k] + 1]++;
        }
        for (int i = 0; i < n; i++) {
            offsets[i + 1] += offsets[i];
        }
        double[] v = new double[3 * e];
        for (int k = 0; k < e; k++) {
            for (int a = 0; a < 3; a++) {
                double d = positions[neighbour[k]][a] - positions[centre[k]][a];
                for (int b = 0; b < 3; b++) {
                    d += shift[3 * k + b] * cell[b][a];
                }
                v[3 * k + a] = d;
            }
        }
        for (int k = 0; k < e; k++) {
            int r = reverse[k];
            if (centre[r] != neighbour[k] || neighbour[r] != centre[k] || shift[3 * r] != -shift[3 * k]
                    || shift[3 * r + 1] != -shift[3 * k + 1] || shift[3 * r + 2] != -shift[3 * k + 2]) {
                throw new IllegalArgumentException("edge " + k + ": reverse index does not point at (j, i, -S)");
            }
        }
        return new PetGraph(species.clone(), new int[n], 1, offsets, centre.clone(), neighbour.clone(),
                shift.clone(), reverse.clone(), v);
    }

    /** The disjoint union of graphs, in order (structure indices 0..B−1). */
    public static PetGraph batch(List<PetGraph> graphs) {
        if (graphs.size() == 1) {
            return graphs.get(0);
        }
        int n = 0;
        int e = 0;
        int b = 0;
        for (PetGraph g : graphs) {
            n += g.atoms;
            e += g.centre.length;
            b += g.structures;
        }
        int[] sp = new int[n];
        int[] st = new int[n];
        int[] off = new int[n + 1];
        int[] c = new int[e];
        int[] nb = new int[e];
        int[] sh = new int[3 * e];
        int[] rv = new int[e];
        double[] v = new double[3 * e];
        int an = 0;
        int en = 0;
        int bn = 0;
        for (PetGraph g : graphs) {
            for (int i = 0; i < g.atoms; i++) {
                sp[an + i] = g.species[i];
                st[an + i] = bn + g.structureOf[i];
                off[an + i + 1] = en + g.offsets[i + 1];
            }
            int ge = g.centre.length;
            for (int k = 0; k < ge; k++) {
                c[en + k] = an + g.centre[k];
                nb[en + k] = an + g.neighbour[k];
                rv[en + k] = en + g.reverse[k];
            }
            System.arraycopy(g.shift, 0, sh, 3 * en, 3 * ge);
            System.arraycopy(g.vectors, 0, v, 3 * en, 3 * ge);
            an += g.atoms;
            en += ge;
            bn += g.structures;
        }
        return new PetGraph(sp, st, b, off, c, nb, sh, rv, v);
    }

    public int atomCount() {
        return atoms;
    }

    public int edgeCount() {
        return centre.length;
    }

    public int structureCount() {
        return structures;
    }

    /** M: the largest neighbour count of any atom (the transformer's sequence length is M + 1). */
    public int maxNeighbours() {
        return maxNeighbours;
    }

    public int species(int atom) {
        return species[atom];
    }

    public int structureOf(int atom) {
        return structureOf[atom];
    }

    public int centre(int edge) {
        return centre[edge];
    }

    public int neighbour(int edge) {
        return neighbour[edge];
    }

    public int reverse(int edge) {
        return reverse[edge];
    }

    public int shift(int edge, int axis) {
        return shift[3 * edge + axis];
    }

    /** Component {@code axis} of r_ij of an edge (Å). */
    public double vector(int edge, int axis) {
        return vectors[3 * edge + axis];
    }

    /** First edge of an atom (its edges are contiguous). */
    public int firstEdge(int atom) {
        return offsets[atom];
    }

    public int neighbourCount(int atom) {
        return offsets[atom + 1] - offsets[atom];
    }

    /** Edge vectors (E, 3) in double (a copy). */
    public double[] vectors() {
        return vectors.clone();
    }

    /**
     * Edge vectors as an (E, 3) array of the given type (float32 rounds the double vectors), with storage that
     * libtorch owns (safe to use in a backward after the array is closed).
     */
    public NDArray edgeVectors(NDManager manager, DataType type) {
        return HostArrays.of(manager, vectors, type, new Shape(centre.length, 3));
    }

    /** For each of the N·M padded slots, its edge index, or E for padding. */
    public long[] slotEdge() {
        int m = maxNeighbours;
        long[] out = new long[atoms * m];
        Arrays.fill(out, centre.length);
        for (int i = 0; i < atoms; i++) {
            for (int k = offsets[i]; k < offsets[i + 1]; k++) {
                out[i * m + (k - offsets[i])] = k;
            }
        }
        return out;
    }

    /** For each edge, its slot i·M + p in the padded layout. */
    public long[] edgeSlot() {
        long[] out = new long[centre.length];
        for (int i = 0; i < atoms; i++) {
            for (int k = offsets[i]; k < offsets[i + 1]; k++) {
                out[k] = (long) i * maxNeighbours + (k - offsets[i]);
            }
        }
        return out;
    }

    /** Species index of every edge's neighbour atom. */
    public long[] neighbourSpecies() {
        long[] out = new long[centre.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = species[neighbour[k]];
        }
        return out;
    }

    public long[] speciesLong() {
        return Arrays.stream(species).asLongStream().toArray();
    }

    public long[] reverseLong() {
        return Arrays.stream(reverse).asLongStream().toArray();
    }

    public long[] structureOfLong() {
        return Arrays.stream(structureOf).asLongStream().toArray();
    }

    /** Structure index of every edge (of its centre atom). */
    public long[] edgeStructure() {
        long[] out = new long[centre.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = structureOf[centre[k]];
        }
        return out;
    }

    /** Number of atoms of each structure. */
    public int[] atomsPerStructure() {
        int[] out = new int[structures];
        for (int s : structureOf) {
            out[s]++;
        }
        return out;
    }
}
