package org.xtal4j.nn.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.xtal4j.nn.model.Sample;

/**
 * Splits samples into batches of similar atom count (padding is cheap when sizes match): a seeded shuffle,
 * a stable sort by atom count (so equal sizes stay shuffled), consecutive chunks of {@code batchSize}
 * samples (or, with {@code maxAtoms} &gt; 0, greedily up to that many atoms, at least one sample), then the
 * batch order is shuffled. The random stream depends only on (seed, epoch), so a resumed run sees the same
 * batches.
 */
public final class Batcher {

    private final int batchSize;
    private final int maxAtoms;
    private final boolean bucket;
    private final boolean dropLast;
    private final long seed;

    public Batcher(int batchSize, int maxAtoms, boolean bucketBySize, boolean dropLast, long seed) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be > 0");
        }
        this.batchSize = batchSize;
        this.maxAtoms = maxAtoms;
        this.bucket = bucketBySize;
        this.dropLast = dropLast;
        this.seed = seed;
    }

    public static Batcher of(TrainConfig c) {
        return new Batcher(c.batchSize(), c.maxAtomsPerBatch(), c.bucketBySize(), c.dropLast(), c.seed());
    }

    /** Training batches (indices into {@code samples}) for an epoch. */
    public List<int[]> trainingBatches(List<? extends Sample> samples, int epoch) {
        Random rng = new Random(seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + 1);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, rng);
        if (bucket) {
            order.sort(Comparator.comparingInt(i -> samples.get(i).atomCount()));
        }
        List<int[]> batches = chunk(order, samples, dropLast);
        Collections.shuffle(batches, rng);
        return batches;
    }

    /** Evaluation batches: all samples, sorted by size when bucketing, never dropped, not shuffled. */
    public List<int[]> evaluationBatches(List<? extends Sample> samples) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            order.add(i);
        }
        if (bucket) {
            order.sort(Comparator.comparingInt(i -> samples.get(i).atomCount()));
        }
        return chunk(order, samples, false);
    }

    private List<int[]> chunk(List<Integer> order, List<? extends Sample> samples, boolean drop) {
        List<int[]> out = new ArrayList<>();
        List<Integer> cur = new ArrayList<>();
        long atoms = 0;
        for (int i : order) {
            int a = samples.get(i).atomCount();
            boolean full = maxAtoms > 0 ? !cur.isEmpty() && atoms + a > maxAtoms : cur.size() == batchSize;
            if (full) {
                out.add(cur.stream().mapToInt(Integer::intValue).toArray());
                cur.clear();
                atoms = 0;
            }
            cur.add(i);
            atoms += a;
        }
        if (!cur.isEmpty() && !(drop && maxAtoms <= 0 && cur.size() < batchSize)) {
            out.add(cur.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }
}
