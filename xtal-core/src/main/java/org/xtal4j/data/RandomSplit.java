package org.xtal4j.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Exact-size seeded random parts: sort distinct ids, shuffle with the seed, cut (see {@link Split#random}). */
final class RandomSplit implements Split {

    private final long seed;
    private final Fractions fractions;

    RandomSplit(long seed, Map<String, Double> fractions) {
        this.seed = seed;
        this.fractions = new Fractions(fractions);
    }

    @Override
    public SplitAssignment assign(Dataset dataset) {
        List<String> ids;
        try (Stream<RecordInfo> s = dataset.infos()) {
            ids = new ArrayList<>(s.map(RecordInfo::id).collect(Collectors.toCollection(TreeSet::new)));
        }
        Collections.shuffle(ids, new Random(seed));
        Map<String, String> partById = new HashMap<>();
        int n = ids.size();
        int start = 0;
        for (int k = 0; k < fractions.names.size(); k++) {
            int end = (int) Math.round(n * fractions.cumulative[k]);
            for (int i = start; i < end; i++) {
                partById.put(ids.get(i), fractions.names.get(k));
            }
            start = Math.max(start, end);
        }
        return SplitAssignment.byRecord(dataset, fractions.names, r -> partById.getOrDefault(r.id(), NONE), List.of());
    }
}
