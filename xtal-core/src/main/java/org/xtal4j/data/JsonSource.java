package org.xtal4j.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.xtal4j.io.StructureFormat;

/**
 * JSON tables, read into memory once (structures are still parsed lazily, per record):
 * <ul>
 * <li>pandas "split" orientation as in Matbench: {@code {"index": [...], "columns": [...], "data": [[...], ...]}};
 *     the record id is the index entry unless an id column exists (or is named);</li>
 * <li>parallel arrays as in MEGNet's examples: {@code {"structures": [...], "bulk_moduli": [...]}}, each
 *     top-level array one column; the id comes from an id column, else the row number.</li>
 * </ul>
 * Structure values are pymatgen dicts (read by the "json" format) or structure text (CIF, POSCAR).
 */
final class JsonSource implements RecordSource {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String name;
    private final List<String> columns;
    private final List<JsonNode> rows;     // each an array of cells, in column order
    private final List<String> index;      // may be null
    private final int structureColumn;
    private final int idColumn;
    private final int[] targetColumns;
    private final List<String> targetNames;
    private final int[] extraColumns;
    private final List<String> extraNames;
    private final StructureFormat jsonFormat;
    private final StructureFormat textFormat;

    JsonSource(Path file, LoadOptions options) {
        this.name = file.toString();
        JsonNode root;
        try (InputStream in = Compression.open(file)) {
            root = MAPPER.readTree(in);
        } catch (JsonProcessingException e) {
            throw new DatasetException(name + ":" + e.getLocation().getLineNr() + ": not valid JSON: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new DatasetException(name + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new DatasetException(name + ": expected a JSON object (a pandas split table or parallel arrays)");
        }
        if (root.has("columns") && root.has("data")) {
            columns = texts(root.get("columns"), "columns");
            rows = new ArrayList<>();
            root.get("data").forEach(rows::add);
            index = root.has("index") ? texts(root.get("index"), "index") : null;
            if (index != null && index.size() != rows.size()) {
                throw new DatasetException(name + ": " + index.size() + " index entries for " + rows.size() + " data rows");
            }
        } else {
            columns = new ArrayList<>();
            List<JsonNode> arrays = new ArrayList<>();
            root.fields().forEachRemaining(e -> {
                if (e.getValue().isArray()) {
                    columns.add(e.getKey());
                    arrays.add(e.getValue());
                }
            });
            if (arrays.isEmpty()) {
                throw new DatasetException(name + ": no \"columns\"/\"data\" table and no top-level arrays");
            }
            int n = arrays.get(0).size();
            for (int c = 1; c < arrays.size(); c++) {
                if (arrays.get(c).size() != n) {
                    throw new DatasetException(name + ": array '" + columns.get(c) + "' has " + arrays.get(c).size()
                            + " entries, '" + columns.get(0) + "' has " + n);
                }
            }
            rows = new ArrayList<>(n);
            for (int r = 0; r < n; r++) {
                var row = MAPPER.createArrayNode();
                for (JsonNode a : arrays) {
                    row.add(a.get(r));
                }
                rows.add(row);
            }
            index = null;
        }

        String[] kinds = new String[columns.size()];
        boolean[] numeric = new boolean[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            kinds[c] = kind(c);
            numeric[c] = numeric(c);
        }
        structureColumn = chooseStructure(options, kinds);
        idColumn = Columns.idColumn(columns, options.idColumn(), name);
        String textKind = options.structureFormat().orElse(kinds[structureColumn]);
        jsonFormat = Parsing.format(options.structureFormat().orElse("json"), name);
        textFormat = textKind == null || textKind.equals("json") ? jsonFormat : Parsing.format(textKind, name);

        List<Integer> t = new ArrayList<>();
        if (options.targets().isPresent()) {
            for (String n : options.targets().get()) {
                t.add(Columns.require(columns, n, "target column", name));
            }
        } else {
            for (int c = 0; c < columns.size(); c++) {
                if (numeric[c] && kinds[c] == null && c != idColumn && !Columns.indexLike(columns.get(c))) {
                    t.add(c);
                }
            }
        }
        targetColumns = t.stream().mapToInt(Integer::intValue).toArray();
        targetNames = t.stream().map(columns::get).toList();
        List<Integer> x = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            if (kinds[c] == null && c != structureColumn && !t.contains(c)) {
                x.add(c);
            }
        }
        extraColumns = x.stream().mapToInt(Integer::intValue).toArray();
        extraNames = x.stream().map(columns::get).toList();
    }

    private List<String> texts(JsonNode array, String what) {
        if (!array.isArray()) {
            throw new DatasetException(name + ": \"" + what + "\" is not an array");
        }
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.isTextual() ? v.textValue() : v.toString()));
        return out;
    }

    private JsonNode cell(int row, int c) {
        JsonNode r = rows.get(row);
        return r.isArray() && c < r.size() ? r.get(c) : null;
    }

    /** "json" for pymatgen dicts, a text format for structure text, null otherwise (first 3 non-null values). */
    private String kind(int c) {
        String kind = null;
        int seen = 0;
        for (int r = 0; r < rows.size() && seen < 3; r++) {
            JsonNode v = cell(r, c);
            if (v == null || v.isNull()) {
                continue;
            }
            String k = v.isObject() && v.has("lattice") ? "json" : v.isTextual() ? StructureKinds.detect(v.textValue()) : null;
            if (k == null || (kind != null && !kind.equals(k))) {
                return null;
            }
            kind = k;
            seen++;
        }
        return kind;
    }

    private boolean numeric(int c) {
        boolean any = false;
        for (int r = 0; r < Math.min(rows.size(), CsvSource.SAMPLE_ROWS); r++) {
            JsonNode v = cell(r, c);
            if (v == null || v.isNull()) {
                continue;
            }
            if (!(v.isNumber() || (v.isTextual() && Values.isNumber(v.textValue())))) {
                return false;
            }
            any = true;
        }
        return any;
    }

    private int chooseStructure(LoadOptions options, String[] kinds) {
        if (options.structureColumn().isPresent()) {
            return Columns.require(columns, options.structureColumn().get(), "structure column", name);
        }
        for (String preferred : List.of("structure", "structures", "cif", "poscar", "atoms")) {
            int c = Columns.indexIgnoreCase(columns, preferred);
            if (c >= 0 && kinds[c] != null) {
                return c;
            }
        }
        for (int c = 0; c < kinds.length; c++) {
            if (kinds[c] != null) {
                return c;
            }
        }
        throw new DatasetException(name + ": no column holds structures (pymatgen dicts or structure text); "
                + "name it with LoadOptions.structureColumn; columns are " + columns);
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
        return new CloseableIterator<>() {
            private int r;

            @Override
            public boolean hasNext() {
                return r < rows.size();
            }

            @Override
            public PendingRecord next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return pending(r++);
            }

            @Override
            public void close() {
            }
        };
    }

    private PendingRecord pending(int r) {
        int row = r + 1;
        String id;
        JsonNode idCell = idColumn >= 0 ? cell(r, idColumn) : null;
        if (idCell != null && !idCell.isNull()) {
            id = idCell.isTextual() ? idCell.textValue() : idCell.toString();
        } else if (index != null) {
            id = index.get(r);
        } else {
            id = Integer.toString(row);
        }
        String problem = rows.get(r).isArray() && rows.get(r).size() == columns.size() ? null
                : "has " + rows.get(r).size() + " cells; there are " + columns.size() + " columns";
        Map<String, Double> targets = new LinkedHashMap<>();
        for (int k = 0; k < targetColumns.length; k++) {
            JsonNode v = cell(r, targetColumns[k]);
            double d = Double.NaN;
            if (v != null && v.isNumber()) {
                d = v.doubleValue();
            } else if (v != null && v.isTextual()) {
                try {
                    d = Values.parse(v.textValue());
                } catch (NumberFormatException e) {
                    problem = problem == null ? Values.notANumber(targetNames.get(k), v.textValue()) : problem;
                }
            } else if (v != null && !v.isNull()) {
                problem = problem == null ? Values.notANumber(targetNames.get(k), v.toString()) : problem;
            }
            targets.put(targetNames.get(k), d);
        }
        Map<String, String> extra = new LinkedHashMap<>();
        for (int k = 0; k < extraColumns.length; k++) {
            JsonNode v = cell(r, extraColumns[k]);
            extra.put(extraNames.get(k), v == null || v.isNull() ? "" : v.isTextual() ? v.textValue() : v.toString());
        }
        RecordInfo info = new RecordInfo(row, id, targets, extra);
        JsonNode s = cell(r, structureColumn);
        if (problem == null && (s == null || s.isNull())) {
            problem = "no structure in column '" + columns.get(structureColumn) + "'";
        }
        if (problem != null) {
            return PendingRecord.bad(info, name, problem);
        }
        String recordId = id;
        if (s.isTextual()) {
            String text = s.textValue();
            return PendingRecord.ok(info, name, w -> Parsing.one(text, recordId, textFormat, w));
        }
        return PendingRecord.ok(info, name, w -> Parsing.one(s.toString(), recordId, jsonFormat, w));
    }
}
