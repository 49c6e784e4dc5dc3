package org.xtal4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xtal4j.data.Dataset;
import org.xtal4j.data.DatasetException;
import org.xtal4j.data.DatasetLoader;
import org.xtal4j.data.LoadOptions;
import org.xtal4j.data.Record;
import org.xtal4j.data.RecordError;
import org.xtal4j.data.Split;
import org.xtal4j.data.SplitAssignment;
import org.xtal4j.structure.Structure;

/**
 * Labelled structures of the {@link DataOptions} by part (train, val, test, or all). Rows that cannot be used
 * (structure did not parse, target empty or NaN, zero-volume cell) are left out and listed in
 * {@link #skipped()} with their source, row and id; the target values go into each structure's properties
 * under the target names, where model plugins look for labels.
 */
final class LabelledData {

    static final String TRAIN = "train";
    static final String VAL = "val";
    static final String TEST = "test";
    static final String ALL = "all";

    /** One usable record: where it came from and the structure carrying its labels. */
    record Item(String source, int row, String id, Structure structure) {
    }

    private final Map<String, List<Item>> parts;
    private final List<RecordError> skipped;
    private final List<String> targets;

    private LabelledData(Map<String, List<Item>> parts, List<RecordError> skipped, List<String> targets) {
        this.parts = parts;
        this.skipped = skipped;
        this.targets = targets;
    }

    Map<String, List<Item>> parts() {
        return parts;
    }

    List<Item> part(String name) {
        return parts.getOrDefault(name, List.of());
    }

    List<RecordError> skipped() {
        return skipped;
    }

    List<String> targets() {
        return targets;
    }

    /**
     * Loads the data. Without a split column, --data is {@code unsplitPart} (train for training, all for
     * evaluation); --val-data and --test-data add the val and test parts.
     */
    static LabelledData load(DataOptions o, List<String> targets, String unsplitPart) {
        if (targets.isEmpty()) {
            throw new CliFailure("--target: which column(s) to predict?");
        }
        List<TargetSpec> specs = targets.stream().map(TargetSpec::parse).toList();
        Map<String, List<Item>> parts = new LinkedHashMap<>();
        List<RecordError> skipped = new ArrayList<>();
        Dataset main = open(o, o.data, specs);
        if (o.splitColumn != null || o.splitIds != null) {
            if (o.valData != null || o.testData != null) {
                throw new CliFailure((o.splitColumn != null ? "--split-column" : "--split-ids")
                        + " cannot be combined with --val-data / --test-data");
            }
            if (o.splitColumn != null && o.splitIds != null) {
                throw new CliFailure("give --split-column or --split-ids, not both");
            }
            SplitAssignment a;
            String what = o.splitColumn != null ? "split column '" + o.splitColumn + "'" : "--split-ids " + o.splitIds;
            try {
                a = (o.splitColumn != null ? Split.byColumn(o.splitColumn) : idLists(o.splitIds)).assign(main);
            } catch (DatasetException | IllegalArgumentException e) {
                throw new CliFailure(o.data + ": " + what + ": " + e.getMessage());
            }
            for (String p : a.parts()) {
                String name = canonicalPart(p);
                if (name == null) {
                    continue;   // rows with an empty split value or another part name take no part
                }
                Dataset d = a.part(p);
                List<Item> into = parts.computeIfAbsent(name, k -> new ArrayList<>());
                int limit = o.limitOf(name);
                int left = limit - into.size();   // train and training are one part, under one limit
                into.addAll(read(d, specs, skipped, limit == 0 ? 0 : left > 0 ? left : -1));
            }
            if (parts.isEmpty()) {
                throw new CliFailure(o.data + ": " + what + " holds none of train, val, test (found " + a.parts()
                        + ")");
            }
        } else {
            parts.put(unsplitPart, read(main, specs, skipped, o.limitOf(unsplitPart)));
            if (o.valData != null) {
                parts.put(VAL, read(open(o, o.valData, specs), specs, skipped, o.limitOf(VAL)));
            }
            if (o.testData != null) {
                parts.put(TEST, read(open(o, o.testData, specs), specs, skipped, o.limitOf(TEST)));
            }
        }
        return new LabelledData(parts, skipped, specs.stream().map(TargetSpec::name).toList());
    }

    /** The id lists DIR/train.txt, val.txt, test.txt (those that exist; at least train). */
    private static Split idLists(Path dir) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (String part : List.of(TRAIN, VAL, TEST)) {
            Path f = dir.resolve(part + ".txt");
            if (Files.isRegularFile(f)) {
                files.put(part, f);
            }
        }
        if (!files.containsKey(TRAIN)) {
            throw new CliFailure("--split-ids " + dir + ": no train.txt there (expected train.txt, val.txt, test.txt)");
        }
        try {
            return Split.byIdFiles(files);
        } catch (IOException e) {
            throw new CliFailure("--split-ids " + dir + ": " + e.getMessage(), e);
        }
    }

    /** train / val / test under their usual spellings; null for other values. */
    static String canonicalPart(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "train", "training" -> TRAIN;
            case "val", "valid", "validation", "dev" -> VAL;
            case "test", "testing" -> TEST;
            default -> null;
        };
    }

    private static Dataset open(DataOptions o, Path path, List<TargetSpec> targets) {
        LoadOptions lo = LoadOptions.defaults().targets(targets.stream().map(TargetSpec::column).distinct().toList());
        if (o.structureColumn != null) {
            lo = lo.structureColumn(o.structureColumn);
        }
        if (o.idColumn != null) {
            lo = lo.idColumn(o.idColumn);
        }
        try {
            return DatasetLoader.load(path, lo);
        } catch (DatasetException | IllegalArgumentException e) {
            throw new CliFailure(e.getMessage());
        }
    }

    /** The usable records of d; with limit &gt; 0 only its first rows are parsed (limit &lt; 0: none). */
    private static List<Item> read(Dataset d, List<TargetSpec> targets, List<RecordError> skipped, int limit) {
        List<Record> records;
        try {
            if (limit == 0) {
                records = d.materialise();
            } else {
                try (java.util.stream.Stream<Record> s = d.stream()) {
                    records = s.limit(Math.max(0, limit)).toList();
                }
            }
        } catch (DatasetException | IllegalArgumentException e) {
            throw new CliFailure(e.getMessage());
        }
        skipped.addAll(d.errors());
        List<Item> out = new ArrayList<>();
        for (Record r : records) {
            String source = d.source();
            String problem = null;
            for (TargetSpec t : targets) {
                problem = t.problem(r);
                if (problem != null) {
                    break;
                }
            }
            double volume = r.structure().lattice().volume();
            if (problem == null && !(Math.abs(volume) > 1e-6)) {
                problem = "cell volume is " + volume + " Å³";
            }
            if (problem == null && r.structure().size() == 0) {
                problem = "structure has no sites";
            }
            if (problem != null) {
                skipped.add(new RecordError(r.row(), r.id(), source, problem));
                continue;
            }
            Structure.Builder b = r.structure().toBuilder();
            for (TargetSpec t : targets) {
                b.property(t.name(), t.value(r));
            }
            out.add(new Item(source, r.row(), r.id(), b.build()));
        }
        return out;
    }

    /** Prints each skipped row as a warning (at most {@code limit}, then a count). */
    static void warn(List<RecordError> skipped, PrintWriter err, int limit) {
        int n = 0;
        for (RecordError e : skipped) {
            if (n++ == limit) {
                err.println("xtal: warning: ... and " + (skipped.size() - limit) + " more skipped rows");
                break;
            }
            err.println("xtal: warning: skipped " + e);
        }
        err.flush();
    }
}
