package org.xtal4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.xtal4j.io.StructureFormat;

/**
 * A CSV table (RFC 4180; quoted fields may span lines, as the CIF strings of CDVAE/MEGNet tables do),
 * plain, gzip or xz. The header row names the columns. Columns are classified once from the first
 * {@value #SAMPLE_ROWS} rows: structure columns (content looks like CIF / POSCAR / pymatgen JSON),
 * numeric columns (default targets, except the id column and index columns such as {@code idx} or
 * pandas' unnamed index), the rest are extra text columns. Rows are then streamed on every open.
 */
final class CsvSource implements RecordSource {

    static final int SAMPLE_ROWS = 100;


    private final Path file;
    private final String name;
    private final List<String> header;
    private final int structureColumn;
    private final StructureFormat format;
    private final int idColumn;
    private final int[] targetColumns;
    private final List<String> targetNames;
    private final int[] extraColumns;
    private final List<String> extraNames;

    CsvSource(Path file, LoadOptions options) {
        this.file = file;
        this.name = file.toString();
        List<List<String>> sample = new ArrayList<>();
        try (BufferedReader r = Compression.reader(file); CSVParser p = CsvRows.FORMAT.parse(r)) {
            Iterator<CSVRecord> it = p.iterator();
            if (!it.hasNext()) {
                throw new DatasetException(name + ": empty file, expected a header row");
            }
            this.header = it.next().toList().stream().map(String::trim).toList();
            while (sample.size() < SAMPLE_ROWS && it.hasNext()) {
                sample.add(it.next().toList());
            }
        } catch (IOException e) {
            throw new DatasetException(name + ": cannot read: " + e.getMessage(), e);
        } catch (UncheckedIOException | IllegalStateException e) {
            // commons-csv reports syntax errors (e.g. an unterminated quote) this way
            Throwable c = e.getCause() != null ? e.getCause() : e;
            throw new DatasetException(name + ": not valid CSV in the first rows: " + c.getMessage(), e);
        }

        // classify columns by content
        String[] kinds = new String[header.size()];
        boolean[] numeric = new boolean[header.size()];
        for (int c = 0; c < header.size(); c++) {
            kinds[c] = structureKind(sample, c);
            numeric[c] = isNumeric(sample, c);
        }
        this.structureColumn = chooseStructureColumn(options, kinds);
        String fmt = options.structureFormat().orElse(kinds[structureColumn]);
        if (fmt == null) {
            throw new DatasetException(name + ": the text in column '" + header.get(structureColumn)
                    + "' is not recognisable as CIF, POSCAR or pymatgen JSON; set LoadOptions.structureFormat");
        }
        this.format = Parsing.format(fmt, name);
        this.idColumn = Columns.idColumn(header, options.idColumn(), name);

        List<Integer> targets = new ArrayList<>();
        if (options.targets().isPresent()) {
            for (String t : options.targets().get()) {
                int c = Columns.require(header, t, "target column", name);
                if (c == structureColumn) {
                    throw new DatasetException(name + ": target column '" + t + "' is the structure column");
                }
                targets.add(c);
            }
        } else {
            for (int c = 0; c < header.size(); c++) {
                if (numeric[c] && kinds[c] == null && c != idColumn && !Columns.indexLike(header.get(c))) {
                    targets.add(c);
                }
            }
        }
        this.targetColumns = targets.stream().mapToInt(Integer::intValue).toArray();
        this.targetNames = targets.stream().map(header::get).toList();

        List<Integer> extras = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            // other structure columns (e.g. perov_5's "cif.conv") would only cost memory
            if (kinds[c] == null && c != structureColumn && !targets.contains(c) && !header.get(c).isEmpty()) {
                extras.add(c);
            }
        }
        this.extraColumns = extras.stream().mapToInt(Integer::intValue).toArray();
        this.extraNames = extras.stream().map(header::get).toList();
    }

    private int chooseStructureColumn(LoadOptions options, String[] kinds) {
        if (options.structureColumn().isPresent()) {
            return Columns.require(header, options.structureColumn().get(), "structure column", name);
        }
        List<Integer> candidates = new ArrayList<>();
        for (int c = 0; c < kinds.length; c++) {
            if (kinds[c] != null) {
                candidates.add(c);
            }
        }
        if (candidates.isEmpty()) {
            throw new DatasetException(name + ": no column holds structure text (a CIF data_ block, a POSCAR or a "
                    + "pymatgen dict) in its first rows; name it with LoadOptions.structureColumn; columns are " + header);
        }
        for (String preferred : Columns.STRUCTURE_NAMES) {
            for (int c : candidates) {
                if (header.get(c).equalsIgnoreCase(preferred)) {
                    return c;
                }
            }
        }
        return candidates.get(0);
    }

    /**
     * The structure format of the column: the kind most of its first (up to 5) non-empty values have,
     * if more than half have it; one broken structure near the top does not hide the column.
     */
    private static String structureKind(List<List<String>> sample, int c) {
        java.util.Map<String, Integer> votes = new java.util.HashMap<>();
        int seen = 0;
        for (List<String> row : sample) {
            if (c >= row.size() || row.get(c).isBlank()) {
                continue;
            }
            String k = StructureKinds.detect(row.get(c));
            if (k != null) {
                votes.merge(k, 1, Integer::sum);
            }
            if (++seen == 5) {
                break;
            }
        }
        for (java.util.Map.Entry<String, Integer> e : votes.entrySet()) {
            if (2 * e.getValue() > seen) {
                return e.getKey();
            }
        }
        return null;
    }

    /** All sampled values are numbers or missing, and at least one is a number. */
    private static boolean isNumeric(List<List<String>> sample, int c) {
        boolean any = false;
        for (List<String> row : sample) {
            if (c >= row.size() || Values.isMissing(row.get(c))) {
                continue;
            }
            if (!Values.isNumber(row.get(c))) {
                return false;
            }
            any = true;
        }
        return any;
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
        return extraNames;
    }

    @Override
    public CloseableIterator<PendingRecord> open() {
        return CsvRows.open(file, name, true, this::pending);
    }

    private PendingRecord pending(int row, CSVRecord rec) {
        String id = idColumn >= 0 && idColumn < rec.size() && !rec.get(idColumn).isBlank()
                ? rec.get(idColumn).trim() : Integer.toString(row);
        Map<String, Double> targets = new LinkedHashMap<>();
        Map<String, String> extra = new LinkedHashMap<>();
        String problem = null;
        if (rec.size() != header.size()) {
            problem = "has " + rec.size() + " cells; the header has " + header.size();
        }
        for (int k = 0; k < targetColumns.length; k++) {
            int c = targetColumns[k];
            String v = c < rec.size() ? rec.get(c) : "";
            try {
                targets.put(targetNames.get(k), Values.parse(v));
            } catch (NumberFormatException e) {
                targets.put(targetNames.get(k), Double.NaN);
                if (problem == null) {
                    problem = Values.notANumber(targetNames.get(k), v);
                }
            }
        }
        for (int k = 0; k < extraColumns.length; k++) {
            int c = extraColumns[k];
            extra.put(extraNames.get(k), c < rec.size() ? rec.get(c) : "");
        }
        RecordInfo info = new RecordInfo(row, id, targets, extra);
        if (problem == null && (structureColumn >= rec.size() || rec.get(structureColumn).isBlank())) {
            problem = "no structure: column '" + header.get(structureColumn) + "' is empty";
        }
        if (problem != null) {
            return PendingRecord.bad(info, name, problem);
        }
        String text = rec.get(structureColumn);
        return PendingRecord.ok(info, name, w -> Parsing.one(text, id, format, w));
    }
}
