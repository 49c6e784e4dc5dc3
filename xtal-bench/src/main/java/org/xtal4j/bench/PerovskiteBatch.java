package org.xtal4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/**
 * perov_5-like cells made in code: cubic ABX3 perovskites (5 atoms, a = 3.8–4.2 Å, A at the corner, B at the
 * body centre, X on the face centres) with elements and lattice parameter drawn from a seeded generator and
 * a property "y" as the label, so that the benchmarks need no data files.
 */
final class PerovskiteBatch {

    private static final String[] A = {"Sr", "Ba", "Ca", "K", "Na", "La", "Pb", "Cs"};
    private static final String[] B = {"Ti", "Zr", "Nb", "Ta", "Fe", "Co", "Mn", "Sn"};
    private static final String[] X = {"O", "N", "F", "S"};

    private PerovskiteBatch() {
    }

    static List<Structure> cells(int count, long seed) {
        Random rnd = new Random(seed);
        List<Structure> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double a = 3.8 + 0.4 * rnd.nextDouble();
            String x = X[rnd.nextInt(X.length)];
            List<Site> sites = List.of(
                    Site.of(Element.of(A[rnd.nextInt(A.length)]), new double[] {0, 0, 0}),
                    Site.of(Element.of(B[rnd.nextInt(B.length)]), new double[] {0.5, 0.5, 0.5}),
                    Site.of(Element.of(x), new double[] {0.5, 0.5, 0}),
                    Site.of(Element.of(x), new double[] {0.5, 0, 0.5}),
                    Site.of(Element.of(x), new double[] {0, 0.5, 0.5}));
            out.add(Structure.of(Lattice.fromParameters(a, a, a, 90, 90, 90), sites).toBuilder()
                    .property("y", rnd.nextGaussian()).build());
        }
        return out;
    }
}
