package org.xtal4j.io.cif;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code data_} block: its items by tag. Tags are case-insensitive and the DDLm spelling with
 * a dot ({@code _cell.length_a}) is the same item as the CIF 1.1 spelling ({@code _cell_length_a}),
 * so both are stored under {@link #normalize(String)}. Immutable once built.
 */
public final class CifBlock {

    /**
     * One item: its values (one for a plain item, a column for a looped one).
     *
     * @param tag the tag as written
     * @param line line of the tag
     * @param loop index of the loop in this block, or -1 when not looped
     * @param values the values
     */
    public record Item(String tag, int line, int loop, List<CifValue> values) {
    }

    private final String name;
    private final int line;
    private final Map<String, Item> items;
    private final Map<String, Integer> duplicateLines;

    private CifBlock(String name, int line, Map<String, Item> items, Map<String, Integer> duplicateLines) {
        this.name = name;
        this.line = line;
        this.items = Collections.unmodifiableMap(items);
        this.duplicateLines = Collections.unmodifiableMap(duplicateLines);
    }

    /** {@code _Cell.Length_A} → {@code _cell_length_a}. */
    public static String normalize(String tag) {
        return tag.toLowerCase(Locale.ROOT).replace('.', '_');
    }

    /** The block name (after {@code data_}). */
    public String name() {
        return name;
    }

    /** Line of the {@code data_} header. */
    public int line() {
        return line;
    }

    /** The item with this tag (any spelling), or null. */
    public Item item(String tag) {
        return items.get(normalize(tag));
    }

    public boolean has(String tag) {
        return items.containsKey(normalize(tag));
    }

    /** All items, in file order, keyed by normalized tag. */
    public Map<String, Item> items() {
        return items;
    }

    /** Line of a second occurrence of this tag in the block, or 0 when it occurs once. */
    public int duplicateLine(String tag) {
        return duplicateLines.getOrDefault(normalize(tag), 0);
    }

    static Builder builder(String name, int line) {
        return new Builder(name, line);
    }

    /** Collects items while parsing. */
    static final class Builder {
        private final String name;
        private final int line;
        private final Map<String, Item> items = new LinkedHashMap<>();
        private final Map<String, Integer> duplicates = new HashMap<>();
        private int loops;

        Builder(String name, int line) {
            this.name = name;
            this.line = line;
        }

        void add(CifToken tag, CifValue value) {
            put(new Item(tag.text(), tag.line(), -1, List.of(value)));
        }

        void addLoop(List<CifToken> tags, List<CifValue> values) {
            int n = tags.size();
            int loop = loops++;
            for (int t = 0; t < n; t++) {
                List<CifValue> column = new ArrayList<>(values.size() / n);
                for (int i = t; i < values.size(); i += n) {
                    column.add(values.get(i));
                }
                put(new Item(tags.get(t).text(), tags.get(t).line(), loop, List.copyOf(column)));
            }
        }

        private void put(Item item) {
            String key = normalize(item.tag());
            if (items.containsKey(key)) {
                duplicates.putIfAbsent(key, item.line());
                return;
            }
            items.put(key, item);
        }

        CifBlock build() {
            return new CifBlock(name, line, items, duplicates);
        }
    }
}
