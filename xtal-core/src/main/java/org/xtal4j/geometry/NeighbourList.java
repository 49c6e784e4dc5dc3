package org.xtal4j.geometry;

import org.xtal4j.structure.Structure;

/**
 * A full periodic neighbour list: every (i, j, S) with r_ij = r_j + S·L − r_i and |r_ij| &lt; cutoff
 * (strict), excluding only (i = j, S = 0). Both directions are present, periodic self-images count,
 * and several images of the same j are separate edges (the PET / ground-truth convention). S is
 * relative to the structure's own fractional coordinates (wrapped or not); axes with
 * {@code pbc = false} have S = 0.
 *
 * <p>Edges are sorted by centre, then neighbour, then S (lexicographic), so the list does not
 * depend on the algorithm that built it: {@link #bruteForce} and {@link #cellList} return identical
 * lists, and each edge's vector and distance are computed in one place from (i, j, S).
 * Every edge has a reverse edge (j, i, −S), found through {@link #reverse(int)}.
 *
 * <p>Storage is flat primitive arrays (shift and vector components interleaved, 3 per edge).
 */
public final class NeighbourList {

    /** Below this many sites {@link #of} uses the all-pairs search, above it the cell list. */
    public static final int CELL_LIST_THRESHOLD = 200;

    private final int sites;
    private final double cutoff;
    private final int[] offsets;   // n + 1: edges of centre i are offsets[i] .. offsets[i+1]-1
    private final int[] centre;
    private final int[] neighbour;
    private final int[] shift;     // 3 per edge
    private final double[] distance;
    private final double[] vector; // 3 per edge
    private final int[] reverse;

    NeighbourList(int sites, double cutoff, int[] offsets, int[] centre, int[] neighbour, int[] shift,
            double[] distance, double[] vector, int[] reverse) {
        this.sites = sites;
        this.cutoff = cutoff;
        this.offsets = offsets;
        this.centre = centre;
        this.neighbour = neighbour;
        this.shift = shift;
        this.distance = distance;
        this.vector = vector;
        this.reverse = reverse;
    }

    /** The neighbour list, by the cell list for large structures and all pairs for small ones. */
    public static NeighbourList of(Structure s, double cutoff) {
        return s.size() >= CELL_LIST_THRESHOLD ? cellList(s, cutoff) : bruteForce(s, cutoff);
    }

    /** All pairs, each with its exact per-pair range of images: O(n²) but simple. */
    public static NeighbourList bruteForce(Structure s, double cutoff) {
        return NeighbourSearch.run(s, cutoff, false);
    }

    /** Binning in fractional coordinates (cells at least one cutoff thick): O(n) for dense cells. */
    public static NeighbourList cellList(Structure s, double cutoff) {
        return NeighbourSearch.run(s, cutoff, true);
    }

    public int siteCount() {
        return sites;
    }

    public double cutoff() {
        return cutoff;
    }

    /** Number of edges (ordered pairs with their image). */
    public int size() {
        return centre.length;
    }

    public int centre(int e) {
        return centre[e];
    }

    public int neighbour(int e) {
        return neighbour[e];
    }

    /** Component {@code axis} of the integer image shift S of edge e. */
    public int shift(int e, int axis) {
        return shift[3 * e + axis];
    }

    public double distance(int e) {
        return distance[e];
    }

    /** Component {@code axis} of r_ij (Å) of edge e. */
    public double vector(int e, int axis) {
        return vector[3 * e + axis];
    }

    /** The index of the reverse edge (j, i, −S). */
    public int reverse(int e) {
        return reverse[e];
    }

    /** Number of neighbours of site i. */
    public int count(int i) {
        return offsets[i + 1] - offsets[i];
    }

    /** Index of the first edge of centre i (edges of i are contiguous). */
    public int firstEdge(int i) {
        return offsets[i];
    }

    /** Neighbour counts per site (a copy). */
    public int[] counts() {
        int[] c = new int[sites];
        for (int i = 0; i < sites; i++) {
            c[i] = offsets[i + 1] - offsets[i];
        }
        return c;
    }

    /** CSR offsets, n + 1 entries (a copy). */
    public int[] offsets() {
        return offsets.clone();
    }

    public int[] centres() {
        return centre.clone();
    }

    public int[] neighbours() {
        return neighbour.clone();
    }

    /** Shifts, 3 per edge (a copy). */
    public int[] shifts() {
        return shift.clone();
    }

    public double[] distances() {
        return distance.clone();
    }

    /** Vectors r_ij, 3 per edge (a copy). */
    public double[] vectors() {
        return vector.clone();
    }

    /** reverse()[e] is the index of edge (j, i, −S) (a copy). */
    public int[] reverseIndex() {
        return reverse.clone();
    }

    @Override
    public String toString() {
        return "NeighbourList(" + sites + " sites, " + size() + " edges within " + cutoff + " Å)";
    }
}
