package org.xtal4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.xtal4j.io.StructureFormat;
import org.xtal4j.io.StructureIO;
import org.xtal4j.structure.Structure;

/**
 * The CGCNN / ALIGNN layout: {@code id_prop.csv} without a header (file id, then one or more target
 * values) beside one structure file per id. The id may carry its extension ({@code POSCAR-JVASP-10.vasp})
 * or not ({@code mp-1000} → {@code mp-1000.cif}); the record id is the id as written. Target columns
 * are named {@code target0, target1, ...} unless names are given. A first line whose values are not
 * numbers is taken as a header.
 */
final class IdPropSource implements RecordSource {

    /** Extensions tried, in order, when the id names no existing file. */
    static final List<String> EXTENSIONS = List.of(".cif", ".vasp", ".poscar", ".json", ".xyz", ".extxyz",
            ".cif.gz", ".cif.xz", ".vasp.gz", ".vasp.xz", ".json.gz", ".json.xz");


    private final Path idProp;
    private final Path dir;
    private final String name;
    private final List<String> targetNames;
    private final boolean headerLine;
    private final StructureFormat format;

    IdPropSource(Path path, LoadOptions options) {
        this.idProp = Files.isDirectory(path) ? findIdProp(path) : path;
        this.name = idProp.toString();
        Path parent = idProp.toAbsolutePath().getParent();
        this.dir = options.structureDir().orElse(parent);
        this.format = options.structureFormat().map(f -> Parsing.format(f, name)).orElse(null);
        List<String> first;
        try (BufferedReader r = Compression.reader(idProp); CSVParser p = CsvRows.FORMAT.parse(r)) {
            Iterator<CSVRecord> it = p.iterator();
            first = it.hasNext() ? it.next().toList() : List.of();
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new DatasetException(name + ": cannot read: " + e.getMessage(), e);
        }
        int nValues = Math.max(0, first.size() - 1);
        List<String> values = first.isEmpty() ? List.of() : first.subList(1, first.size());
        this.headerLine = !values.isEmpty() && values.stream().noneMatch(v -> Values.isNumber(v) || Values.isMissing(v));
        if (options.targets().isPresent()) {
            targetNames = options.targets().get();
            if (!first.isEmpty() && targetNames.size() != nValues) {
                throw new DatasetException(name + ": " + targetNames.size() + " target names given but the first line has "
                        + nValues + " values");
            }
        } else if (headerLine) {
            targetNames = values.stream().map(String::trim).toList();
        } else {
            List<String> t = new ArrayList<>();
            for (int i = 0; i < nValues; i++) {
                t.add("target" + i);
            }
            targetNames = List.copyOf(t);
        }
    }

    private static Path findIdProp(Path dir) {
        for (String n : List.of("id_prop.csv", "id_prop.csv.gz", "id_prop.csv.xz")) {
            if (Files.isRegularFile(dir.resolve(n))) {
                return dir.resolve(n);
            }
        }
        throw new DatasetException(dir + ": no id_prop.csv in this folder");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> targetNames() {
        return targetNames;
    }

    @Override
    public List<String> extraNames() {
        return List.of();
    }

    @Override
    public CloseableIterator<PendingRecord> open() {
        return CsvRows.open(idProp, name, headerLine, this::pending);
    }

    private PendingRecord pending(int row, CSVRecord rec) {
        String id = rec.get(0).trim();
        String problem = null;
        if (id.isEmpty()) {
            id = Integer.toString(row);
            problem = "empty file id";
        }
        Map<String, Double> targets = new LinkedHashMap<>();
        for (int k = 0; k < targetNames.size(); k++) {
            String v = k + 1 < rec.size() ? rec.get(k + 1) : "";
            try {
                targets.put(targetNames.get(k), Values.parse(v));
            } catch (NumberFormatException e) {
                targets.put(targetNames.get(k), Double.NaN);
                if (problem == null) {
                    problem = Values.notANumber(targetNames.get(k), v);
                }
            }
        }
        if (problem == null && rec.size() != targetNames.size() + 1) {
            problem = "has " + (rec.size() - 1) + " values; expected " + targetNames.size();
        }
        RecordInfo info = new RecordInfo(row, id, targets, Map.of());
        if (problem != null) {
            return PendingRecord.bad(info, name, problem);
        }
        String fileId = id;
        return PendingRecord.ok(info, name, w -> read(locate(fileId), w));
    }

    /** The structure file of an id: the id as a file name, else the id plus a known extension. */
    private Path locate(String id) throws IOException {
        Path base = dir.toAbsolutePath().normalize();
        Path exact = base.resolve(id).normalize();
        if (!exact.startsWith(base)) {
            throw new IOException("file id '" + id + "' points outside " + base);
        }
        if (Files.isRegularFile(exact)) {
            return exact;
        }
        for (String ext : EXTENSIONS) {
            Path p = base.resolve(id + ext);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new NoSuchFileException(exact.toString(), null,
                "no structure file for id '" + id + "' (tried the id and the extensions " + EXTENSIONS + ")");
    }

    private Structure read(Path file, java.util.function.Consumer<String> warnings) throws IOException {
        String source = file.getFileName().toString();
        if (format != null) {
            return Parsing.one(StructureIO.readText(file), source, format, warnings);
        }
        return Parsing.one(StructureIO.read(file, warnings), source);
    }
}
