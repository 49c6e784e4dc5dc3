package org.xtal4j.cli.bench;

import java.util.List;
import org.xtal4j.geometry.SupercellBuilder;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/**
 * Cells of a chosen atom count for the scaling benchmark: near-cubic diagonal supercells n1×n2×n3 of a small
 * base cell (the most cubic factorisation of N / base atoms), so that the translation box stays about the
 * same while the atom count grows.
 */
public final class ScalingCells {

    private ScalingCells() {
    }

    /** The default base: one atom (Cu) in a simple cubic 2.6 Å cell, 17.6 Å³ per atom like an average MP crystal. */
    public static Structure defaultBase() {
        return Structure.of(Lattice.fromParameters(2.6, 2.6, 2.6, 90, 90, 90),
                List.of(Site.of(Element.of("Cu"), new double[] {0, 0, 0})));
    }

    /** The supercell of {@code base} with {@code atoms} atoms (a multiple of the base's atom count). */
    public static Structure withAtoms(Structure base, int atoms) {
        int m = base.size();
        if (atoms < m || atoms % m != 0) {
            throw new IllegalArgumentException(atoms + " atoms is not a multiple of the base cell's " + m);
        }
        int[] f = cubicFactors(atoms / m);
        return SupercellBuilder.diagonal(base, f[0], f[1], f[2]);
    }

    /** n1 ≤ n2 ≤ n3 with n1·n2·n3 = n and the smallest n3/n1 (ties: the smallest n3). */
    static int[] cubicFactors(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1");
        }
        int[] best = {1, 1, n};
        for (int a = 1; a * a * a <= n; a++) {
            if (n % a != 0) {
                continue;
            }
            for (int b = a; a * b * b <= n; b++) {
                if ((n / a) % b != 0) {
                    continue;
                }
                int c = n / a / b;
                if ((double) c / a < (double) best[2] / best[0]
                        || (double) c / a == (double) best[2] / best[0] && c < best[2]) {
                    best = new int[] {a, b, c};
                }
            }
        }
        return best;
    }
}
