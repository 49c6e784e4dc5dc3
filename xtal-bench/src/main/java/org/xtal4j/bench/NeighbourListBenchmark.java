package org.xtal4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.xtal4j.geometry.NeighbourList;
import org.xtal4j.geometry.SupercellBuilder;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/**
 * Periodic neighbour lists at 5 Å (PET's default cutoff) on a ~1,000-atom and a ~10,000-atom cell.
 *
 * <p>Cells: diamond Si supercells (5×5×5 = 1,000 and 11×11×11 = 10,648 atoms, 28 neighbours per atom)
 * and a random "amorphous" triclinic cell at 0.08 atoms/Å³ (≈ 42 neighbours per atom). The number
 * of edges is printed at setup, so pairs/s = edges / (time per list).
 *
 * <p>Run: {@code java -jar xtal-bench/target/benchmarks.jar NeighbourListBenchmark -wi 2 -i 3 -f 1}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class NeighbourListBenchmark {

    static final double CUTOFF = 5.0;
    static final double SI_A = 5.43096;

    @State(Scope.Benchmark)
    public static class Cells {
        /** "si1000", "si10648", "random1000", "random10000". */
        @Param({"si1000", "si10648", "random1000", "random10000"})
        public String cell;

        Structure structure;

        @Setup(Level.Trial)
        public void setUp() {
            structure = build(cell);
            int edges = NeighbourList.cellList(structure, CUTOFF).size();
            System.out.printf("%n[%s] %d atoms, %d edges within %.1f Å%n", cell, structure.size(), edges, CUTOFF);
        }
    }

    /** The 1,000-atom cells only: the all-pairs search is O(n²). */
    @State(Scope.Benchmark)
    public static class SmallCells {
        @Param({"si1000", "random1000"})
        public String cell;

        Structure structure;

        @Setup(Level.Trial)
        public void setUp() {
            structure = build(cell);
        }
    }

    @Benchmark
    public NeighbourList cellList(Cells c) {
        return NeighbourList.cellList(c.structure, CUTOFF);
    }

    @Benchmark
    public NeighbourList bruteForce(SmallCells c) {
        return NeighbourList.bruteForce(c.structure, CUTOFF);
    }

    static Structure build(String name) {
        switch (name) {
            case "si1000":
                return SupercellBuilder.diagonal(diamond(), 5, 5, 5);
            case "si10648":
                return SupercellBuilder.diagonal(diamond(), 11, 11, 11);
            case "random1000":
                return random(1000);
            case "random10000":
                return random(10000);
            default:
                throw new IllegalArgumentException("unknown cell " + name);
        }
    }

    static Structure diamond() {
        double[][] fcc = {{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}};
        List<Site> sites = new ArrayList<>();
        for (double[] f : fcc) {
            sites.add(Site.of(Element.of("Si"), f));
            sites.add(Site.of(Element.of("Si"), new double[] {f[0] + 0.25, f[1] + 0.25, f[2] + 0.25}));
        }
        Lattice l = Lattice.fromMatrix(new double[][] {{SI_A, 0, 0}, {0, SI_A, 0}, {0, 0, SI_A}});
        return Structure.of(l, sites);
    }

    /** Random positions in a triclinic cell (angles 80°, 95°, 105°) at 0.08 atoms/Å³. */
    static Structure random(int n) {
        Random rnd = new Random(12345);
        Lattice unit = Lattice.fromParameters(1, 1, 1, 80, 95, 105);
        Lattice l = unit.scaledToVolume(n / 0.08);
        List<Site> sites = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            sites.add(Site.of(Element.of(i % 2 == 0 ? "Mg" : "O"),
                    new double[] {rnd.nextDouble(), rnd.nextDouble(), rnd.nextDouble()}));
        }
        return Structure.of(l, sites);
    }
}
