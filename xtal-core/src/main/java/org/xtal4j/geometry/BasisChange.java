package org.xtal4j.geometry;

import java.util.ArrayList;
import java.util.List;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/**
 * Re-expresses a structure in another basis of the same lattice: new vectors = T · old vectors
 * with T integer and unimodular. Cartesian positions are unchanged; fractional coordinates become
 * f · T⁻¹ (computed exactly from the integer inverse) and are optionally wrapped into [0, 1).
 */
public final class BasisChange {

    private BasisChange() {
    }

    public static Structure apply(Structure s, int[][] t, boolean wrap) {
        long det = IntMat3.det(t);
        if (det != 1 && det != -1) {
            throw new IllegalArgumentException("basis change must be unimodular, det = " + det);
        }
        if (!s.isFullyPeriodic() && !IntMat3.isIdentity(t)) {
            throw new IllegalArgumentException("cannot change the basis of a structure that is not periodic in 3D");
        }
        Lattice newLattice = IntMat3.apply(t, s.lattice());
        int[][] inv = IntMat3.inverseUnimodular(t);
        List<Site> sites = new ArrayList<>(s.size());
        for (Site site : s.sites()) {
            double[] f = site.frac();
            double[] g = new double[3];
            for (int j = 0; j < 3; j++) {
                g[j] = f[0] * inv[0][j] + f[1] * inv[1][j] + f[2] * inv[2][j];
                if (wrap) {
                    g[j] = Structure.wrap(g[j]);
                }
            }
            sites.add(site.withFrac(g));
        }
        return s.toBuilder().lattice(newLattice).sites(sites).build();
    }
}
