package org.xtal4j.data;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Per-id seeded hash parts (see {@link Split#hashed}). */
final class HashSplit implements Split {

    private final long seed;
    private final Fractions fractions;

    HashSplit(long seed, Map<String, Double> fractions) {
        this.seed = seed;
        this.fractions = new Fractions(fractions);
    }

    @Override
    public SplitAssignment assign(Dataset dataset) {
        return SplitAssignment.byRecord(dataset, fractions.names, r -> fractions.partOf(unit(seed, r.id())), List.of());
    }

    /** A number in [0, 1) fixed by the seed and the id. */
    static double unit(long seed, String id) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64 offset basis
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        long z = h ^ (seed * 0x9e3779b97f4a7c15L);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L; // SplitMix64 finaliser
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }
}
