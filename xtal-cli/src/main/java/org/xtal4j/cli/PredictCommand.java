package org.xtal4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.xtal4j.data.Dataset;
import org.xtal4j.data.DatasetException;
import org.xtal4j.data.DatasetForm;
import org.xtal4j.data.DatasetLoader;
import org.xtal4j.data.LoadOptions;
import org.xtal4j.data.Record;
import org.xtal4j.io.AtomicFiles;
import org.xtal4j.data.RecordError;
import org.xtal4j.nn.predict.Ensemble;
import org.xtal4j.nn.predict.Prediction;
import org.xtal4j.nn.predict.Predictor;
import org.xtal4j.structure.Structure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code xtal predict}: predictions of one model (or the mean and spread of several) for structures. */
@Command(
        name = "predict",
        description = "Predict the targets of a trained model for structure files, folders (searched recursively), "
                + "zip archives of structure files and CSV data sets (.csv, .csv.gz, .csv.xz, id_prop.csv). "
                + "Output: CSV with columns id (record id, or file name; within a folder its path there), one column per target, <target>_std "
                + "with several --model files (mean and standard deviation over the models) and error "
                + "(empty when the structure was predicted). A structure that cannot be read or predicted "
                + "gets its error and the run goes on. Without -o a table goes to stdout.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every structure was predicted", "1:some structure or file failed (see the error "
                + "column), or a model file could not be used", "2:usage error"})
final class PredictCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE",
            description = "Model file (.xtal); repeat for several. Models with the same targets form an ensemble "
                    + "(mean and <target>_std); models with other targets add their columns. A folder from xtal "
                    + "train --ensemble K stands for all its member-N/model.xtal (a run folder for its model.xtal). "
                    + "Default: the pretrained models in the checkout's models/ folder (or $XTAL_MODELS).")
    private List<Path> models = new ArrayList<>();

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Structure files, folders, zips or CSV data sets.")
    private List<Path> inputs = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.csv", description = "Write CSV here (default: table on stdout).")
    private Path output;

    @Option(names = "--structure-column", paramLabel = "C", description = "Structure column of CSV inputs.")
    private String structureColumn;

    @Option(names = "--id-column", paramLabel = "C", description = "Id column of CSV inputs.")
    private String idColumn;

    @Mixin
    private InferenceOptions inference;

    @Option(names = "--no-ecse", description = "PET: the raw backbone, without the ECSE symmetrisation that is on by "
            + "default (faster; not rotation-invariant; also predicts structures ECSE has no frame for).")
    private boolean noEcse;

    /** One input structure (or the reason there is none). */
    record Entry(String id, Structure structure, String error) {
    }

    @Override
    public Integer call() throws IOException {
        inference.startBackend(spec.commandLine());
        PrintWriter err = spec.commandLine().getErr();
        List<Path> models;
        if (this.models.isEmpty()) {
            models = PretrainedModels.find();
            err.println("xtal: no --model given; using the pretrained model(s) " + models.stream()
                    .map(m -> m.getFileName().toString()).toList() + " in " + models.get(0).getParent()
                    + " (see the model card there)");
        } else {
            models = LoadedModel.resolve(this.models);   // ensemble and run folders -> model files
        }
        if (PetPrediction.isPet(models.get(0))) {   // energies + forces, extxyz output: see PetPrediction
            return PetPrediction.run(models, inputs, output, inference.batchSize, !noEcse,
                    spec.commandLine().getOut(), err);
        }
        List<Predictor> loaded = new ArrayList<>();
        try {
            for (Path m : models) {
                loaded.add(LoadedModel.open(m));
            }
            // models with the same targets are one ensemble; each group adds its columns
            Map<List<String>, List<Predictor>> groups = new LinkedHashMap<>();
            for (Predictor lm : loaded) {
                List<Predictor> g = groups.computeIfAbsent(lm.targets(), k -> new ArrayList<>());
                if (!g.isEmpty()) {
                    LoadedModel.checkCompatible(g.get(0), lm);
                }
                g.add(lm);
            }
            List<Entry> entries = new ArrayList<>();
            for (Path p : inputs) {
                collect(p, entries);
            }
            List<Structure> structures = new ArrayList<>();
            List<Integer> where = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).structure() != null) {
                    structures.add(entries.get(i).structure());
                    where.add(i);
                }
            }
            List<String> header = new ArrayList<>(List.of("id"));
            List<List<String>> cells = new ArrayList<>();   // per entry, the target columns
            for (int i = 0; i < entries.size(); i++) {
                cells.add(new ArrayList<>());
            }
            String[] errors = new String[entries.size()];
            for (int i = 0; i < entries.size(); i++) {
                errors[i] = entries.get(i).error();
            }
            long t0 = System.nanoTime();
            for (List<Predictor> group : groups.values()) {
                boolean ensemble = group.size() > 1;
                for (String t : group.get(0).targets()) {
                    header.add(t);
                    if (ensemble) {
                        header.add(t + "_std");
                    }
                }
                List<List<Prediction>> perModel = new ArrayList<>();
                for (Predictor lm : group) {
                    perModel.add(lm.predict(structures, inference.batchSize));
                }
                int nt = group.get(0).targets().size();
                boolean[] predicted = new boolean[entries.size()];
                for (int k = 0; k < structures.size(); k++) {
                    int i = where.get(k);
                    List<Prediction> perStructure = new ArrayList<>();
                    for (List<Prediction> m : perModel) {
                        perStructure.add(m.get(k));
                    }
                    Ensemble.Result r = Ensemble.combine(perStructure);
                    if (r.error() != null && errors[i] == null) {
                        errors[i] = r.error();
                    }
                    if (r.mean() != null) {
                        predicted[i] = true;
                        for (int t = 0; t < nt; t++) {
                            cells.get(i).add(number(r.mean()[t]));
                            if (ensemble) {
                                cells.get(i).add(number(r.std()[t]));
                            }
                        }
                    }
                }
                for (int i = 0; i < entries.size(); i++) {
                    if (!predicted[i]) {
                        for (int t = 0; t < nt * (ensemble ? 2 : 1); t++) {
                            cells.get(i).add("");
                        }
                    }
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            header.add("error");
            List<List<String>> rows = new ArrayList<>();
            int failed = 0;
            for (int i = 0; i < entries.size(); i++) {
                List<String> row = new ArrayList<>();
                row.add(entries.get(i).id());
                row.addAll(cells.get(i));
                row.add(errors[i] == null ? "" : errors[i]);
                if (errors[i] != null) {
                    failed++;
                    err.println("xtal: " + entries.get(i).id() + ": " + errors[i]);
                }
                rows.add(row);
            }
            if (output != null) {
                StringBuilder sb = new StringBuilder();
                try (CSVPrinter p = new CSVPrinter(sb, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').build())) {
                    p.printRecord(header);
                    for (List<String> r : rows) {
                        p.printRecord(r);
                    }
                }
                AtomicFiles.write(output, sb.toString().getBytes(StandardCharsets.UTF_8));
            } else {
                printTable(spec.commandLine().getOut(), header, rounded(rows));
            }
            err.printf(Locale.ROOT, "xtal: predicted %d of %d structures with %d model(s) in %.2f s (%.1f structures/s)%n",
                    entries.size() - failed, entries.size(), loaded.size(), secs,
                    structures.size() * (double) loaded.size() / Math.max(secs, 1e-9));
            err.flush();
            return failed > 0 ? Xtal.INPUT_FAILED : Xtal.OK;
        } finally {
            loaded.forEach(Predictor::close);
        }
    }

    static String number(double v) {
        return Double.toString(v);
    }

    /** Expands one command-line path into entries (never throws for a bad file: it becomes an error row). */
    private void collect(Path p, List<Entry> out) {
        try {
            if (Files.isDirectory(p) && !Files.exists(p.resolve("id_prop.csv"))) {
                List<Path> files = StructureFiles.expand(p);
                if (files.isEmpty()) {
                    out.add(new Entry(p.toString(), null, "no structure files in this folder"));
                }
                for (Path f : files) {
                    structureFile(f, p.relativize(f).toString(), out);   // the name within the folder
                }
            } else if (Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
                zip(p, out);
            } else if (isDataset(p)) {
                dataset(p, out);
            } else {
                structureFile(p, p.toString(), out);
            }
        } catch (IOException | RuntimeException e) {
            out.add(new Entry(p.toString(), null, Problems.describe(e, p.toString())));
        }
    }

    private static boolean isDataset(Path p) {
        if (Files.isDirectory(p)) {
            return true;
        }
        try {
            DatasetForm f = DatasetForm.of(p);
            return f == DatasetForm.CSV || f == DatasetForm.ID_PROP;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void dataset(Path p, List<Entry> out) {
        LoadOptions lo = LoadOptions.defaults();
        if (structureColumn != null) {
            lo = lo.structureColumn(structureColumn);
        }
        if (idColumn != null) {
            lo = lo.idColumn(idColumn);
        }
        Dataset d;
        List<Record> records;
        try {
            d = DatasetLoader.load(p, lo);
            records = d.materialise();
        } catch (DatasetException e) {
            out.add(new Entry(p.toString(), null, e.getMessage()));
            return;
        }
        // good and bad rows back in row order
        List<Object[]> all = new ArrayList<>();
        for (Record r : records) {
            all.add(new Object[] {r.row(), new Entry(r.id(), r.structure(), null)});
        }
        for (RecordError e : d.errors()) {
            all.add(new Object[] {e.row(), new Entry(e.id(), null, "row " + e.row() + ": " + e.message())});
        }
        all.sort(Comparator.comparingInt(o -> (Integer) o[0]));
        all.forEach(o -> out.add((Entry) o[1]));
    }

    private static void structureFile(Path f, String name, List<Entry> out) {
        StructureFiles.Loaded l = StructureFiles.load(f);
        if (!l.ok()) {
            out.add(new Entry(name, null, Problems.describe(l.error(), f.toString())));
            return;
        }
        List<Structure> s = l.structures();
        for (int i = 0; i < s.size(); i++) {
            out.add(new Entry(s.size() > 1 ? name + "#" + (i + 1) : name, s.get(i), null));
        }
        if (s.isEmpty()) {
            out.add(new Entry(name, null, "no structures in this file"));
        }
    }

    /** Each structure file in the archive, read from a temporary copy (readers pick the format by name). */
    private static void zip(Path p, List<Entry> out) throws IOException {
        Path tmp = Files.createTempDirectory("xtal-predict");
        try (InputStream in = Files.newInputStream(p); ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                if (e.isDirectory()) {
                    continue;
                }
                String name = Path.of(e.getName()).getFileName().toString();
                if (name.startsWith(".") || e.getName().startsWith("__MACOSX")) {
                    continue;
                }
                Path f = tmp.resolve(Integer.toString(out.size())).resolve(name);
                Files.createDirectories(f.getParent());
                Files.copy(z, f);
                structureFile(f, p.getFileName() + "!" + e.getName(), out);
            }
        } finally {
            try (Stream<Path> w = Files.walk(tmp)) {
                w.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
            }
        }
    }

    /** The rows with the prediction columns at 4 decimals, for reading on a terminal (the CSV keeps every digit). */
    static List<List<String>> rounded(List<List<String>> rows) {
        List<List<String>> out = new ArrayList<>();
        for (List<String> r : rows) {
            List<String> row = new ArrayList<>(r);
            for (int c = 1; c < row.size() - 1; c++) {   // not the id, not the error
                String cell = row.get(c);
                if (!cell.isEmpty()) {
                    try {
                        row.set(c, String.format(Locale.ROOT, "%.4f", Double.parseDouble(cell)));
                    } catch (NumberFormatException e) {
                        // not a number: shown as it is
                    }
                }
            }
            out.add(row);
        }
        return out;
    }

    static void printTable(PrintWriter out, List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = header.get(c).length();
            for (List<String> r : rows) {
                width[c] = Math.max(width[c], r.get(c).length());
            }
        }
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> r : all) {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < r.size(); c++) {
                String cell = r.get(c);
                if (c > 0) {
                    sb.append("  ");
                }
                sb.append(cell);
                if (c < r.size() - 1) {
                    sb.append(" ".repeat(width[c] - cell.length()));
                }
            }
            out.println(sb.toString().stripTrailing());
        }
        out.flush();
    }
}
