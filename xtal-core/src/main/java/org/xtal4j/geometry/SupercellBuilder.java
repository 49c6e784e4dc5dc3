package org.xtal4j.geometry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xtal4j.structure.Mat3;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/**
 * Supercells from an integer 3×3 matrix M (rows = new lattice vectors in units of the old ones),
 * as pymatgen's {@code Structure.__mul__}: new lattice M·L; the |det M| lattice points t are the
 * integer vectors in the bounding box of M's eight corners whose supercell coordinates t·M⁻¹ lie
 * in [0, 1) (tolerance 1e-10), enumerated with the first component outermost. Site order: for each
 * original site (outer loop), for each lattice point (inner loop), so the original index of
 * supercell site s is s / |det M|. Coordinates are (f + t)·M⁻¹ and are not wrapped, as in pymatgen.
 * Site properties are repeated per image; structure properties and labels are kept.
 */
public final class SupercellBuilder {

    private static final double EPS = 1e-10;

    private SupercellBuilder() {
    }

    /** The supercell of a diagonal matrix diag(n1, n2, n3). */
    public static Structure diagonal(Structure s, int n1, int n2, int n3) {
        return build(s, new int[][] {{n1, 0, 0}, {0, n2, 0}, {0, 0, n3}});
    }

    public static Structure build(Structure s, int[][] m) {
        long det = IntMat3.det(m);
        if (det == 0) {
            throw new IllegalArgumentException("supercell matrix is singular: " + IntMat3.toString(m));
        }
        boolean[] pbc = s.pbc();
        for (int k = 0; k < 3; k++) {
            if (!pbc[k]) {
                for (int j = 0; j < 3; j++) {
                    if (m[k][j] != (k == j ? 1 : 0) || m[j][k] != (k == j ? 1 : 0)) {
                        throw new IllegalArgumentException("a supercell cannot extend along a non-periodic axis");
                    }
                }
            }
        }
        int[][] points = latticePoints(m);
        int k = points.length;
        long total = (long) s.size() * k;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("supercell would have " + total + " sites");
        }
        double[][] inv = Mat3.inverse(Mat3.toDouble(m));
        List<Site> sites = new ArrayList<>((int) total);
        for (Site site : s.sites()) {
            double[] f = site.frac();
            for (int[] t : points) {
                double[] g = Mat3.mulVec(new double[] {f[0] + t[0], f[1] + t[1], f[2] + t[2]}, inv);
                sites.add(site.withFrac(g));
            }
        }
        Structure.Builder b = s.toBuilder().lattice(IntMat3.apply(m, s.lattice())).sites(sites).clearSiteProperties();
        for (Map.Entry<String, double[][]> e : s.siteProperties().entrySet()) {
            double[][] src = e.getValue();
            double[][] rows = new double[(int) total][];
            for (int i = 0; i < src.length; i++) {
                for (int j = 0; j < k; j++) {
                    rows[i * k + j] = src[i];
                }
            }
            b.siteProperty(e.getKey(), rows);
        }
        return b.build();
    }

    /**
     * The |det M| integer lattice points (in units of the old lattice vectors) inside the
     * parallelepiped spanned by the rows of M, in pymatgen's order.
     */
    public static int[][] latticePoints(int[][] m) {
        long det = Math.abs(IntMat3.det(m));
        if (det == 0) {
            throw new IllegalArgumentException("supercell matrix is singular: " + IntMat3.toString(m));
        }
        int[] min = new int[3];
        int[] max = new int[3];
        for (int corner = 0; corner < 8; corner++) {
            int[] c = {(corner >> 2) & 1, (corner >> 1) & 1, corner & 1};
            for (int j = 0; j < 3; j++) {
                int v = c[0] * m[0][j] + c[1] * m[1][j] + c[2] * m[2][j];
                min[j] = Math.min(min[j], v);
                max[j] = Math.max(max[j], v);
            }
        }
        double[][] inv = Mat3.inverse(Mat3.toDouble(m));
        List<int[]> points = new ArrayList<>();
        for (int x = min[0]; x <= max[0]; x++) {
            for (int y = min[1]; y <= max[1]; y++) {
                for (int z = min[2]; z <= max[2]; z++) {
                    boolean inside = true;
                    for (int j = 0; j < 3 && inside; j++) {
                        double f = x * inv[0][j] + y * inv[1][j] + z * inv[2][j];
                        inside = f >= -EPS && f < 1 - EPS;
                    }
                    if (inside) {
                        points.add(new int[] {x, y, z});
                    }
                }
            }
        }
        if (points.size() != det) {
            throw new IllegalStateException("found " + points.size() + " lattice points for |det M| = " + det);
        }
        return points.toArray(new int[0][]);
    }
}
