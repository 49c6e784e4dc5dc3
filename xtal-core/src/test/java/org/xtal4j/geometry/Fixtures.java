package org.xtal4j.geometry;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/** Hand-built test structures (textbook coordinates, not produced by the code under test). */
public final class Fixtures {

    public static final double SI_A = 5.43096;

    private Fixtures() {
    }

    public static Lattice cubic(double a) {
        return Lattice.fromMatrix(new double[][] {{a, 0, 0}, {0, a, 0}, {0, 0, a}});
    }

    /** Structure with one element per site at the given fractional coordinates. */
    public static Structure of(Lattice l, String[] elements, double[][] frac) {
        List<Site> sites = new ArrayList<>();
        for (int i = 0; i < frac.length; i++) {
            sites.add(Site.of(Element.of(elements[i]), frac[i]));
        }
        return Structure.of(l, sites);
    }

    public static Structure of(Lattice l, String element, double[][] frac) {
        String[] e = new String[frac.length];
        java.util.Arrays.fill(e, element);
        return of(l, e, frac);
    }

    static final double[][] FCC = {{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}};

    public static Structure fccConventional(String element, double a) {
        return of(cubic(a), element, FCC);
    }

    public static Structure bccConventional(String element, double a) {
        return of(cubic(a), element, new double[][] {{0, 0, 0}, {0.5, 0.5, 0.5}});
    }

    public static Structure rocksaltConventional(double a) {
        double[][] f = new double[8][];
        String[] e = new String[8];
        for (int i = 0; i < 4; i++) {
            f[i] = FCC[i].clone();
            e[i] = "Na";
            f[4 + i] = new double[] {(FCC[i][0] + 0.5) % 1, FCC[i][1], FCC[i][2]};
            e[4 + i] = "Cl";
        }
        return of(cubic(a), e, f);
    }

    public static Structure diamondConventional(String element, double a) {
        double[][] f = new double[8][];
        for (int i = 0; i < 4; i++) {
            f[i] = FCC[i].clone();
            f[4 + i] = new double[] {FCC[i][0] + 0.25, FCC[i][1] + 0.25, FCC[i][2] + 0.25};
        }
        return of(cubic(a), element, f);
    }

    /** Si in the fcc primitive cell (a/2 (0,1,1) etc.), atoms at 0 and 1/4 (1,1,1). */
    public static Structure siliconPrimitive() {
        double h = SI_A / 2;
        Lattice l = Lattice.fromMatrix(new double[][] {{0, h, h}, {h, 0, h}, {h, h, 0}});
        return of(l, "Si", new double[][] {{0, 0, 0}, {0.25, 0.25, 0.25}});
    }

    /** The skewed Si basis of the reference corpus: T = [[1,0,0],[3,1,0],[2,3,1]] applied to the primitive cell. */
    public static final int[][] SKEW = {{1, 0, 0}, {3, 1, 0}, {2, 3, 1}};

    public static Structure siliconSkewed() {
        return BasisChange.apply(siliconPrimitive(), SKEW, true);
    }

    /** A random lattice with lengths in [lo, hi] Å and angles 60°..120° (not degenerate). */
    public static Lattice randomLattice(Random rnd, double lo, double hi) {
        while (true) {
            double a = lo + rnd.nextDouble() * (hi - lo);
            double b = lo + rnd.nextDouble() * (hi - lo);
            double c = lo + rnd.nextDouble() * (hi - lo);
            double al = 60 + 60 * rnd.nextDouble();
            double be = 60 + 60 * rnd.nextDouble();
            double ga = 60 + 60 * rnd.nextDouble();
            try {
                Lattice l = Lattice.fromParameters(a, b, c, al, be, ga);
                if (l.volume() > 0.3 * a * b * c) {
                    return l;
                }
            } catch (IllegalArgumentException e) {
                // impossible angle combination; try again
            }
        }
    }

    /** A random unimodular integer matrix with entries of modest size (products of shears). */
    public static int[][] randomUnimodular(Random rnd, int steps) {
        int[][] t = IntMat3.identity();
        for (int s = 0; s < steps; s++) {
            int i = rnd.nextInt(3);
            int j = (i + 1 + rnd.nextInt(2)) % 3;
            int[][] e = IntMat3.identity();
            e[i][j] = rnd.nextBoolean() ? 1 : -1;
            t = IntMat3.mul(e, t);
        }
        if (rnd.nextBoolean()) { // also swap two rows sometimes (det -1)
            int[] tmp = t[0];
            t[0] = t[1];
            t[1] = tmp;
        }
        return t;
    }

    /** Random sites (two elements) with fractional coordinates in [0, 1). */
    public static Structure randomStructure(Random rnd, Lattice l, int n) {
        List<Site> sites = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sites.add(Site.of(Element.of(i % 3 == 0 ? "O" : "Mg"),
                    new double[] {rnd.nextDouble(), rnd.nextDouble(), rnd.nextDouble()}));
        }
        return Structure.of(l, sites);
    }
}
