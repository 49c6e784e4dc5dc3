package org.xtal4j.cli;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.xtal4j.data.Dataset;
import org.xtal4j.data.DatasetForm;
import org.xtal4j.data.DatasetLoader;
import org.xtal4j.data.LoadOptions;
import org.xtal4j.data.Record;
import org.xtal4j.models.sitenet.AttentionAnalysis;
import org.xtal4j.models.sitenet.AttentionPlots;
import org.xtal4j.models.sitenet.SiteNetPlugin;
import org.xtal4j.models.sitenet.SiteNetSample;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.model.Batch;
import org.xtal4j.nn.model.ModelFile;
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelRegistry;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Weights;
import org.xtal4j.structure.Structure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code xtal explain}: the attention-distance analysis of a Site-Net model (sitenet.md §5) for the given
 * structures. Writes, under {@code --out DIR}:
 * <ul>
 *   <li>{@code attention/<id>.csv}: one long table per structure, columns
 *       {@code structure,block,head,i,j,distance,weight} (block and head from 0, i a P1 site, j a supercell
 *       site; padded columns left out);</li>
 *   <li>{@code summary.csv}: one row per structure: id, file, n_sites_p1, n_sites_supercell, volume_p1 (Å³),
 *       long_range_coefficient (eqn 8: Σ over heads of the block-2 max d·a), long_range_block1, the
 *       prediction per target, error (empty when fine);</li>
 *   <li>{@code plots/attention_block<b>_head<h>.png} (Fig. 6: attention weight vs distance over all
 *       structures, self-loops apart) and {@code plots/long_range_vs_volume.png} (Fig. 7).</li>
 * </ul>
 */
@Command(
        name = "explain",
        description = "Attention analysis of a Site-Net model: per-pair attention weights with distances, the "
                + "long-range coefficient per structure (paper eqn 8) and Fig. 6/7-style plots.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every structure was explained", "1:some input could not be read or explained",
            "2:usage error"})
final class ExplainCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "A Site-Net model file (.xtal).")
    private Path model;

    @Parameters(arity = "1..*", paramLabel = "STRUCTURES", description = "Structure files, folders or CSV data sets (.csv, .csv.gz, .csv.xz).")
    private List<Path> inputs = new ArrayList<>();

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Output folder.")
    private Path out;

    @Option(names = "--batch-sites", paramLabel = "N", defaultValue = "1200",
            description = "Unique (P1) sites per batch (default: ${DEFAULT-VALUE}).")
    private int batchSites;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "float32",
            description = "float32 or float64 (default: ${DEFAULT-VALUE}).")
    private String precisionName;

    @Option(names = "--no-plots", description = "Skip the PNG plots.")
    private boolean noPlots;

    @Option(names = "--structure-column", paramLabel = "C", description = "Structure column of CSV inputs.")
    private String structureColumn;

    @Option(names = "--id-column", paramLabel = "C", description = "Id column of CSV inputs.")
    private String idColumn;

    @Option(names = "--limit", paramLabel = "N",
            description = "Only the first N structures of each CSV data set (rows after them are not parsed).")
    private int limit;

    private record Item(String id, String file, Structure structure) {
    }

    private record Row(String id, String file, SiteNetSample sample, AttentionAnalysis analysis, double[] prediction,
                       String error) {
    }

    @Override
    public Integer call() throws IOException {
        if (batchSites < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-sites must be >= 1");
        }
        Precision precision;
        try {
            precision = Precision.parse(precisionName);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--precision: " + e.getMessage());
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ModelFile file;
        try {
            file = ModelFile.read(model);
        } catch (IOException | RuntimeException e) {
            throw new CliFailure(model + ": " + Problems.describe(e), e);
        }
        ModelPlugin plugin = ModelRegistry.find(file.modelType()).orElseThrow(() -> new CliFailure(model
                + ": unknown model type '" + file.modelType() + "'"));
        if (!(plugin instanceof SiteNetPlugin sitenet)) {
            throw new CliFailure(model + ": a '" + file.modelType() + "' model cannot explain: the attention "
                    + "analysis needs a Site-Net model (model type 'sitenet')");
        }
        boolean failed = false;
        List<Item> items = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Path arg : inputs) {
            if (isCsv(arg)) {
                failed |= !readCsv(arg, items, ids, err);
                continue;
            }
            List<Path> files;
            try {
                files = StructureFiles.expand(arg);
            } catch (IOException | RuntimeException e) {
                failed = true;
                err.println("xtal: " + Problems.describe(e, arg.toString()));
                continue;
            }
            if (files.isEmpty()) {
                failed = true;
                err.println("xtal: " + arg + ": no structure files in this folder");
            }
            for (Path f : files) {
                StructureFiles.Loaded loaded = StructureFiles.load(f);
                loaded.warnings().forEach(w -> err.println("xtal: warning: " + w));
                if (!loaded.ok()) {
                    failed = true;
                    err.println("xtal: " + Problems.describe(loaded.error(), loaded.file()));
                    continue;
                }
                int n = loaded.structures().size();
                for (int i = 0; i < n; i++) {
                    String id = uniqueId(stem(f) + (n > 1 ? "_" + i : ""), ids);
                    items.add(new Item(id, loaded.file(), loaded.structures().get(i)));
                }
            }
        }
        Files.createDirectories(out.resolve("attention"));
        Backend backend = Backend.get();
        ModelSetup setup = ModelSetup.of(file, sitenet, precision);
        List<Row> rows = new ArrayList<>();
        try (NDManager root = backend.newManager()) {
            Block block = sitenet.newBlock(setup);
            sitenet.initialize(block, root, setup);
            Weights.load(sitenet.namedParameters(block), file.weights(), true);
            ParameterStore ps = new ParameterStore(root, false);
            Map<Integer, SiteNetSample> prepared = new LinkedHashMap<>();
            for (int k = 0; k < items.size(); k++) {
                Item it = items.get(k);
                try {
                    SiteNetSample sample = (SiteNetSample) sitenet.prepare(it.structure(), setup);
                    sample.oversize().ifPresent(m -> err.println("xtal: warning: " + it.file() + ": " + it.id() + ": "
                            + m));
                    prepared.put(k, sample);
                } catch (RuntimeException e) {
                    failed = true;
                    err.println("xtal: " + it.file() + ": " + it.id() + ": " + e.getMessage());
                    rows.add(new Row(it.id(), it.file(), null, null, null, e.getMessage()));
                }
            }
            List<Integer> pending = new ArrayList<>(prepared.keySet());
            int start = 0;
            while (start < pending.size()) {
                int end = start;
                int sites = 0;
                while (end < pending.size() && (end == start
                        || sites + prepared.get(pending.get(end)).atomCount() <= batchSites)) {
                    sites += prepared.get(pending.get(end)).atomCount();
                    end++;
                }
                List<Integer> chunk = pending.subList(start, end);
                List<SiteNetSample> samples = chunk.stream().map(prepared::get).toList();
                List<String> chunkIds = chunk.stream().map(k -> items.get(k).id()).toList();
                try (NDManager step = root.newSubManager(); Batch batch = sitenet.collate(samples, step, setup)) {
                    NDList outputs = sitenet.forward(block, ps, batch, false, true, setup);
                    List<AttentionAnalysis> an = AttentionAnalysis.of(outputs, samples, chunkIds);
                    double[] pred = outputs.get(ModelPlugin.OUTPUT_PREDICTION)
                            .toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
                    int nt = pred.length / samples.size();
                    for (int c = 0; c < samples.size(); c++) {
                        Item it = items.get(chunk.get(c));
                        double[] p = new double[nt];
                        for (int t = 0; t < nt; t++) {
                            p[t] = denormalise(setup.normalisation(), t, pred[c * nt + t]);
                        }
                        an.get(c).writeCsv(out.resolve("attention").resolve(it.id() + ".csv"));
                        rows.add(new Row(it.id(), it.file(), samples.get(c), an.get(c), p, null));
                    }
                }
                start = end;
            }
        }
        writeSummary(out.resolve("summary.csv"), rows, setup.targetNames(), items);
        List<AttentionAnalysis> done = rows.stream().filter(r -> r.analysis() != null).map(Row::analysis).toList();
        if (!noPlots && !done.isEmpty()) {
            Path plots = Files.createDirectories(out.resolve("plots"));
            for (int b = 0; b < done.get(0).blocks(); b++) {
                for (int h = 0; h < done.get(0).heads(); h++) {
                    AttentionPlots.attentionHistogram(plots.resolve("attention_block" + b + "_head" + h + ".png"),
                            done, b, h);
                }
            }
            AttentionPlots.longRangeVsSize(plots.resolve("long_range_vs_volume.png"), done);
        }
        stdout.printf(Locale.ROOT, "explained %d of %d structures; results in %s%n", done.size(), items.size(), out);
        stdout.flush();
        err.flush();
        return failed ? Xtal.INPUT_FAILED : Xtal.OK;
    }

    private static double denormalise(Normalisation n, int t, double z) {
        return t < n.targets().size() ? n.targets().get(t).denormalise(z) : z;
    }

    private static void writeSummary(Path csv, List<Row> rows, List<String> targets, List<Item> order)
            throws IOException {
        Map<String, Row> byId = new LinkedHashMap<>();
        rows.forEach(r -> byId.put(r.id(), r));
        try (BufferedWriter w = Files.newBufferedWriter(csv)) {
            StringBuilder h = new StringBuilder("id,file,n_sites_p1,n_sites_supercell,volume_p1,long_range_coefficient,"
                    + "long_range_block1");
            for (String t : targets) {
                h.append(",prediction_").append(t);
            }
            w.write(h.append(",error").toString());
            w.newLine();
            for (Item it : order) {
                Row r = byId.get(it.id());
                StringBuilder sb = new StringBuilder();
                sb.append(field(r.id())).append(',').append(field(r.file())).append(',');
                if (r.analysis() != null) {
                    AttentionAnalysis a = r.analysis();
                    sb.append(a.primitiveSize()).append(',').append(a.supercellSize()).append(',')
                            .append(a.p1Volume()).append(',').append(a.longRangeCoefficient()).append(',')
                            .append(a.longRangeSum(0));
                    for (int t = 0; t < targets.size(); t++) {
                        sb.append(',').append(t < r.prediction().length ? r.prediction()[t] : Double.NaN);
                    }
                    sb.append(',');
                } else {
                    sb.append(",,,,");
                    sb.append(",".repeat(targets.size()));
                    sb.append(',').append(field(r.error()));
                }
                w.write(sb.toString());
                w.newLine();
            }
        }
    }

    private static String field(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return '"' + s.replace("\"", "\"\"").replace("\n", " ") + '"';
        }
        return s;
    }

    private static String stem(Path f) {
        String name = f.getFileName().toString();
        for (String suffix : List.of(".gz", ".xz")) {
            if (name.endsWith(suffix)) {
                name = name.substring(0, name.length() - suffix.length());
            }
        }
        int dot = name.lastIndexOf('.');
        if (dot > 0) {
            name = name.substring(0, dot);
        }
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static boolean isCsv(Path p) {
        if (!Files.isRegularFile(p)) {
            return false;
        }
        try {
            return DatasetForm.of(p) == DatasetForm.CSV;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The structures of a CSV data set (the first --limit rows); false when it could not be read. */
    private boolean readCsv(Path p, List<Item> items, Set<String> ids, PrintWriter err) {
        LoadOptions lo = LoadOptions.defaults();
        if (structureColumn != null) {
            lo = lo.structureColumn(structureColumn);
        }
        if (idColumn != null) {
            lo = lo.idColumn(idColumn);
        }
        try {
            Dataset d = DatasetLoader.load(p, lo);
            List<Record> records;
            try (Stream<Record> s = d.stream()) {
                records = (limit > 0 ? s.limit(limit) : s).toList();
            }
            d.errors().forEach(e -> err.println("xtal: warning: skipped " + e));
            for (Record r : records) {
                items.add(new Item(uniqueId(r.id(), ids), p.toString(), r.structure()));
            }
            return true;
        } catch (RuntimeException e) {
            err.println("xtal: " + Problems.describe(e, p.toString()));
            return false;
        }
    }

    private static String uniqueId(String base, Set<String> taken) {
        String id = base;
        for (int k = 2; !taken.add(id); k++) {
            id = base + "-" + k;
        }
        return id;
    }
}
