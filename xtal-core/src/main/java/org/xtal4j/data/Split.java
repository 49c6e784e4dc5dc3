package org.xtal4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rule that puts every record of a data set into a named part (train, val, test, ...). Records
 * that belong to no part go to {@link #NONE}. Assigning reads ids and columns only, never structures.
 *
 * <pre>{@code
 * SplitAssignment a = Split.byColumn("megnet_split").assign(dataset);
 * Dataset train = a.part("train");
 * a.writeIdLists(Path.of("splits"));                 // splits/train.txt, splits/val.txt, ...
 * Split.random(42, 0.8, 0.1, 0.1).assign(elastic);  // the same ids in the same parts on every run
 * }</pre>
 */
public interface Split {

    /** The part of records a rule leaves out (an empty split column, an id in no list, the remainder of fractions). */
    String NONE = "none";

    /** Assigns every record of the data set to a part. */
    SplitAssignment assign(Dataset dataset);

    /**
     * By the value of an extra column (e.g. {@code megnet_split}); an empty value → {@link #NONE}.
     * Parts are listed in order of first appearance, {@code none} last.
     */
    static Split byColumn(String column) {
        return new ColumnSplit(column);
    }

    /** By id lists: part name → ids. An id in two lists is an error; records in no list → {@link #NONE}. */
    static Split byIds(Map<String, ? extends Collection<String>> idsByPart) {
        return new IdListSplit(idsByPart);
    }

    /** By id-list files (one id per line, see {@link IdLists#read}): part name → file. */
    static Split byIdFiles(Map<String, Path> filesByPart) throws IOException {
        Map<String, List<String>> ids = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : filesByPart.entrySet()) {
            ids.put(e.getKey(), IdLists.read(e.getValue()));
        }
        return byIds(ids);
    }

    /**
     * Seeded random parts of exact sizes: the distinct ids are sorted (String order), shuffled with
     * {@code java.util.Collections.shuffle(ids, new java.util.Random(seed))} (both algorithms are
     * fixed by the JDK specification) and cut at {@code round(n × cumulative fraction)}. The result
     * depends only on the set of ids and the seed: not on row order, thread count or JVM. Fractions
     * must be non-negative and sum to at most 1; the remainder goes to {@link #NONE}. Records with
     * the same id land in the same part.
     *
     * @param fractions part name → fraction, in the order the parts are cut
     */
    static Split random(long seed, Map<String, Double> fractions) {
        return new RandomSplit(seed, fractions);
    }

    /** {@link #random(long, Map)} with parts {@code train}, {@code val}, {@code test}. */
    static Split random(long seed, double train, double val, double test) {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("train", train);
        f.put("val", val);
        f.put("test", test);
        return random(seed, f);
    }

    /**
     * Seeded random parts decided per id, without looking at the other ids: a 64-bit hash of the
     * id's UTF-8 bytes (FNV-1a) mixed with the seed (SplitMix64 finaliser) gives a number u in [0, 1)
     * and the part is the one whose cumulative fraction first exceeds u. Part sizes are only
     * approximately proportional, but a record keeps its part when others are added or removed.
     */
    static Split hashed(long seed, Map<String, Double> fractions) {
        return new HashSplit(seed, fractions);
    }
}
