package org.xtal4j.models.pet.ecse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * One structure's directed edge list, the input of ECSE: for edge e, centre atom {@code centre[e]}, neighbour
 * atom {@code neighbour[e]} and the vector x_e = r_j + S·C − r_i as row e of {@code vectors} (E, 3), float32 or
 * float64, which may require a gradient. Each atom's environment is its edges in list order (spec pet.md §1;
 * periodic images are separate edges). Species (indices 0..numSpecies−1 per atom) are needed only for species
 * pruning and may be null otherwise. Immutable apart from the NDArray, which the caller owns.
 */
public final class EcseEdges {

    private final int numAtoms;
    private final int[] centre;
    private final int[] neighbour;
    private final NDArray vectors;
    private final int[] species;
    private final int numSpecies;
    private final int[][] edgesOf;

    public EcseEdges(int numAtoms, int[] centre, int[] neighbour, NDArray vectors, int[] species, int numSpecies) {
        int e = centre.length;
        if (neighbour.length != e) {
            throw new IllegalArgumentException("centre and neighbour lists differ in length");
        }
        Shape s = vectors.getShape();
        if (s.dimension() != 2 || s.get(0) != e || s.get(1) != 3) {
            throw new IllegalArgumentException("edge vectors must be (" + e + ", 3), got " + s);
        }
        DataType dt = vectors.getDataType();
        if (dt != DataType.FLOAT32 && dt != DataType.FLOAT64) {
            throw new IllegalArgumentException("edge vectors must be float32 or float64, got " + dt);
        }
        if (species != null && species.length != numAtoms) {
            throw new IllegalArgumentException("species must have one entry per atom");
        }
        int[] count = new int[numAtoms];
        for (int k = 0; k < e; k++) {
            if (centre[k] < 0 || centre[k] >= numAtoms || neighbour[k] < 0 || neighbour[k] >= numAtoms) {
                throw new IllegalArgumentException("edge " + k + " has an atom index outside 0.." + (numAtoms - 1));
            }
            count[centre[k]]++;
        }
        int[][] of = new int[numAtoms][];
        int[] fill = new int[numAtoms];
        for (int i = 0; i < numAtoms; i++) {
            of[i] = new int[count[i]];
        }
        for (int k = 0; k < e; k++) {
            of[centre[k]][fill[centre[k]]++] = k;
        }
        this.numAtoms = numAtoms;
        this.centre = centre.clone();
        this.neighbour = neighbour.clone();
        this.vectors = vectors;
        this.species = species == null ? null : species.clone();
        this.numSpecies = numSpecies;
        this.edgesOf = of;
    }

    /** Edges without species (species pruning unavailable). */
    public EcseEdges(int numAtoms, int[] centre, int[] neighbour, NDArray vectors) {
        this(numAtoms, centre, neighbour, vectors, null, 0);
    }

    /** The same topology with other vectors (e.g. a rotated or gradient-tracking copy). */
    public EcseEdges withVectors(NDArray newVectors) {
        return new EcseEdges(numAtoms, centre, neighbour, newVectors, species, numSpecies);
    }

    public int numAtoms() {
        return numAtoms;
    }

    public int numEdges() {
        return centre.length;
    }

    public int centre(int edge) {
        return centre[edge];
    }

    public int neighbour(int edge) {
        return neighbour[edge];
    }

    public NDArray vectors() {
        return vectors;
    }

    /** Species indices per atom, or null. */
    public int[] species() {
        return species == null ? null : species.clone();
    }

    public int numSpecies() {
        return numSpecies;
    }

    /** Atom i's edges (global edge indices) in list order. */
    public int[] edgesOf(int atom) {
        return edgesOf[atom].clone();
    }

    int[] edgesOfUnsafe(int atom) {
        return edgesOf[atom];
    }

    int speciesOf(int atom) {
        return species[atom];
    }

    /**
     * Forces F = −∂E/∂r from edge gradients G = ∂E/∂x (x_e = r_j − r_i + const):
     * F_i = Σ_{e: centre i} G_e − Σ_{e: neighbour i} G_e (spec §2.3, without the reverse index).
     */
    public double[][] forcesFromEdgeGradients(double[] edgeGradients) {
        if (edgeGradients.length != 3 * centre.length) {
            throw new IllegalArgumentException("need 3 gradient components per edge");
        }
        double[][] f = new double[numAtoms][3];
        for (int k = 0; k < centre.length; k++) {
            for (int c = 0; c < 3; c++) {
                double g = edgeGradients[3 * k + c];
                f[centre[k]][c] += g;
                f[neighbour[k]][c] -= g;
            }
        }
        return f;
    }

    @Override
    public String toString() {
        return "EcseEdges[atoms=" + numAtoms + ", edges=" + centre.length + ", neighbours per atom="
                + Arrays.toString(Arrays.stream(edgesOf).mapToInt(a -> a.length).toArray()) + "]";
    }
}
