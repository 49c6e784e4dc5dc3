package org.xtal4j.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Parts from id lists; unknown ids → none. */
final class IdListSplit implements Split {

    private final List<String> parts;
    private final Map<String, String> partById = new HashMap<>();
    private final List<String> listedInOrder = new ArrayList<>();

    IdListSplit(Map<String, ? extends Collection<String>> idsByPart) {
        this.parts = List.copyOf(new LinkedHashMap<>(idsByPart).keySet());
        idsByPart.forEach((part, ids) -> {
            for (String id : ids) {
                String before = partById.putIfAbsent(id, part);
                if (before != null && !before.equals(part)) {
                    throw new IllegalArgumentException("id '" + id + "' is in the lists of both '" + before
                            + "' and '" + part + "'");
                }
                if (before == null) {
                    listedInOrder.add(id);
                }
            }
        });
    }

    @Override
    public SplitAssignment assign(Dataset dataset) {
        Set<String> present;
        try (Stream<RecordInfo> s = dataset.infos()) {
            present = s.map(RecordInfo::id).collect(Collectors.toCollection(HashSet::new));
        }
        List<String> unmatched = listedInOrder.stream().filter(id -> !present.contains(id)).toList();
        return SplitAssignment.byRecord(dataset, parts, r -> partById.getOrDefault(r.id(), NONE), unmatched);
    }
}
