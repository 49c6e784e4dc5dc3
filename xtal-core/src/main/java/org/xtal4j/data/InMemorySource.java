package org.xtal4j.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Already parsed records held in memory (see {@link Dataset#of}). */
final class InMemorySource implements RecordSource {

    private final String name;
    private final List<Record> records;
    private final List<String> targets;
    private final List<String> extras;

    InMemorySource(String name, List<Record> records) {
        this.name = name;
        this.records = List.copyOf(records);
        Set<String> t = new LinkedHashSet<>();
        Set<String> x = new LinkedHashSet<>();
        for (Record r : this.records) {
            t.addAll(r.targets().keySet());
            x.addAll(r.extra().keySet());
        }
        this.targets = List.copyOf(new ArrayList<>(t));
        this.extras = List.copyOf(new ArrayList<>(x));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> targetNames() {
        return targets;
    }

    @Override
    public List<String> extraNames() {
        return extras;
    }

    @Override
    public CloseableIterator<PendingRecord> open() {
        Iterator<Record> it = records.iterator();
        return new CloseableIterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public PendingRecord next() {
                Record r = it.next();
                return PendingRecord.ok(r.info(), name, w -> r.structure());
            }

            @Override
            public void close() {
            }
        };
    }
}
