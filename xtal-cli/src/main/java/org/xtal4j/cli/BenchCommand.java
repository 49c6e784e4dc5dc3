package org.xtal4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import org.xtal4j.cli.bench.BenchReport;
import org.xtal4j.cli.bench.FlopEstimates;
import org.xtal4j.cli.bench.ScalingCells;
import org.xtal4j.cli.bench.ScalingReport;
import org.xtal4j.io.StructureIO;
import org.xtal4j.models.crystalformer.CrystalformerConfig;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.model.ModelConfig;
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelRegistry;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.nn.perf.CrystalformerFlops;
import org.xtal4j.nn.perf.MatmulProbe;
import org.xtal4j.nn.perf.ThroughputBench;
import org.xtal4j.nn.train.TrainConfig;
import org.xtal4j.structure.Structure;
import org.xtal4j.symmetry.PrimitiveCellFinder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code xtal bench}: training-step and inference throughput of a model on a data set, memory, the stage
 * breakdown and the model's FLOP rate against the machine's matmul rate; or, with {@code --scaling}, time per
 * structure against atoms per cell or batch size (CSV and PNG). See docs/performance.md.
 */
@Command(
        name = "bench",
        description = "Measure a model's training and inference speed (structures/s, ms per step after warm-up), "
                + "peak memory, the time per stage and the model's FLOP rate as a fraction of this machine's "
                + "libtorch matmul rate. Steps run as in `xtal train` (batches of similar atom count, the "
                + "training configuration's loss, clipping and Adam). With --scaling atoms|batch: time per "
                + "structure against atoms per cell (supercells of a small cell) or against batch size, written "
                + "to OUT as CSV and PNG. See docs/performance.md.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:measured", "1:the data, configuration or a run failed", "2:usage error"})
final class BenchCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Targets of the generated cells of --scaling atoms (labels are arbitrary: only time is measured). */
    private static final String SYNTHETIC_TARGET = "y";

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--model", defaultValue = "crystalformer", paramLabel = "NAME",
            description = "Model type (default: ${DEFAULT-VALUE}).")
    private String model;

    @Option(names = "--data", paramLabel = "PATH", description = "Labelled data set, as for `xtal train` "
            + "(not needed for --scaling atoms).")
    private Path data;

    @Option(names = "--target", split = ",", paramLabel = "COLUMN", description = "Target column(s).")
    private List<String> targets = new ArrayList<>();

    @Option(names = "--split-column", paramLabel = "C",
            description = "Column whose values say which part a row belongs to (then --part is used).")
    private String splitColumn;

    @Option(names = "--part", defaultValue = "train", paramLabel = "P",
            description = "Part of the split to measure on (default: ${DEFAULT-VALUE}).")
    private String part;

    @Option(names = "--structure-column", paramLabel = "C", description = "CSV column holding the structures.")
    private String structureColumn;

    @Option(names = "--id-column", paramLabel = "C", description = "Column holding record ids.")
    private String idColumn;

    @Option(names = "--max-structures", paramLabel = "S", defaultValue = "0",
            description = "Use a random subset of S structures (seeded; 0 = all).")
    private int maxStructures;

    @Option(names = "--primitive", description = "Reduce every cell to its primitive cell first (tolerance "
            + "0.25 Å); the model's result does not depend on the choice of cell, its cost does.")
    private boolean primitive;

    @Option(names = "--max-atoms", paramLabel = "A", defaultValue = "0",
            description = "Leave out structures with more than A atoms (after --primitive; 0 = no limit).")
    private int maxAtoms;

    @Option(names = "--config", paramLabel = "FILE", description = "Hyper-parameters, JSON or YAML, as for train.")
    private Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one hyper-parameter (repeatable).")
    private List<String> overrides = new ArrayList<>();

    @Option(names = "--batch", paramLabel = "B", description = "Batch size (default: the configuration's batch_size).")
    private Integer batch;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "3",
            description = "Measured steps per phase (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "1",
            description = "Unmeasured steps before each phase (default: ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--threads", paramLabel = "K", defaultValue = "0",
            description = "Intra-op threads (default: all cores).")
    private int threads;

    @Option(names = "--precision", defaultValue = "float32", paramLabel = "P",
            description = "float32 or float64 (default: ${DEFAULT-VALUE}).")
    private String precision;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the batches, weights and subset.")
    private Long seed;

    @Option(names = "--matmul-size", paramLabel = "N", defaultValue = "1024",
            description = "Size of the square matmul that measures the machine (default: ${DEFAULT-VALUE}).")
    private int matmulSize;

    @Option(names = "--matmul-seconds", paramLabel = "S", defaultValue = "1.0",
            description = "How long the matmul measurement runs at least (default: ${DEFAULT-VALUE}).")
    private double matmulSeconds;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    private Path json;

    @Option(names = "--scaling", paramLabel = "atoms|batch",
            description = "Scaling mode: time per structure against atoms per cell or against batch size.")
    private String scaling;

    @Option(names = "--sizes", split = ",", paramLabel = "N",
            description = "Scaling: atom counts (default 1,2,4,8,16,32,64,100,150,200) or batch sizes "
                    + "(default 1,2,4,8,16,32,64,128). A size that fails ends the series.")
    private List<Integer> sizes = new ArrayList<>();

    @Option(names = "--cell", paramLabel = "FILE",
            description = "Scaling atoms: the base cell (default: one Cu atom, simple cubic, a = 2.6 Å).")
    private Path cell;

    @Option(names = "--quiet", description = "No line per step on standard error.")
    private boolean quiet;

    @Option(names = "--out", paramLabel = "DIR", description = "Scaling: output folder for CSV and PNG.")
    private Path out;

    @Override
    public Integer call() throws IOException {
        ModelPlugin plugin = ModelRegistry.find(model).orElseThrow(() -> usage(
                "--model: unknown model '" + model + "' (known: " + ModelRegistry.names() + ")"));
        Precision prec;
        try {
            prec = Precision.parse(precision);
        } catch (IllegalArgumentException e) {
            throw usage("--precision: " + e.getMessage());
        }
        if (steps < 1 || warmup < 0 || threads < 0 || maxStructures < 0 || matmulSize < 1 || !(matmulSeconds >= 0)) {
            throw usage("--steps must be >= 1; --warmup, --threads, --max-structures, --matmul-seconds >= 0; --matmul-size >= 1");
        }
        HyperParameters hp = new HyperParameters();
        if (config != null) {
            hp.readFile(config);
        }
        hp.setAll(overrides);
        if (batch != null) {
            if (batch < 1) {
                throw usage("--batch must be >= 1");
            }
            hp.training.put("batch_size", batch);
        }
        if (seed != null) {
            hp.training.put("seed", seed);
        }
        TrainConfig tc = hp.trainConfig();
        ModelConfig mc;
        try {
            mc = plugin.parseConfig(hp.model);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage() + " (training keys are: " + HyperParameters.trainingKeys() + ")");
        }
        if (scaling == null) {
            return throughput(plugin, mc, tc, prec);
        }
        if (out == null) {
            throw usage("--scaling needs --out DIR");
        }
        return switch (scaling.toLowerCase(Locale.ROOT)) {
            case "atoms" -> scalingAtoms(plugin, mc, tc, prec);
            case "batch" -> scalingBatch(plugin, mc, tc, prec);
            default -> throw usage("--scaling: atoms or batch, not '" + scaling + "'");
        };
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    // ---------------------------------------------------------------- one data set

    private int throughput(ModelPlugin plugin, ModelConfig mc, TrainConfig tc, Precision prec) throws IOException {
        Prepared p = prepareData(plugin, mc, tc, prec);
        ThroughputBench.Result r = bench(plugin, p.setup(), tc, p.samples(), steps);
        MatmulProbe.Result mm = MatmulProbe.measure(matmulSize, prec.dataType(), matmulSeconds);
        String what = data + (primitive ? " (primitive cells)" : "") + (maxAtoms > 0 ? " (<= " + maxAtoms
                + " atoms)" : "");
        BenchReport report = new BenchReport(plugin.name(), what, Backend.get().threads(),
                prec.toString(), tc.batchSize(), warmup, p.prepareMs(), r, mm, CrystalformerFlops.TRAINING_FACTOR);
        PrintWriter o = spec.commandLine().getOut();
        o.print(report.table());
        o.flush();
        if (json != null) {
            if (json.toAbsolutePath().getParent() != null) {
                Files.createDirectories(json.toAbsolutePath().getParent());
            }
            JSON.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), report.toJson());
        }
        return Xtal.OK;
    }

    /** Prepared samples of the data set's part, their setup and the prepare time per structure. */
    private record Prepared(ModelSetup setup, List<Sample> samples, double prepareMs) {
    }

    private Prepared prepareData(ModelPlugin plugin, ModelConfig mc, TrainConfig tc, Precision prec) {
        if (data == null) {
            throw usage("--data is required (except for --scaling atoms)");
        }
        DataOptions d = new DataOptions();
        d.data = data;
        d.targets = targets;
        d.splitColumn = splitColumn;
        d.structureColumn = structureColumn;
        d.idColumn = idColumn;
        String wanted = splitColumn == null ? LabelledData.TRAIN : LabelledData.canonicalPart(part);
        if (wanted == null) {
            throw usage("--part: train, val or test, not '" + part + "'");
        }
        LabelledData ld = LabelledData.load(d, targets, LabelledData.TRAIN);
        List<LabelledData.Item> items = new ArrayList<>(ld.part(wanted));
        if (items.isEmpty()) {
            throw new CliFailure(data + ": no usable rows in part '" + wanted + "'");
        }
        if (maxStructures > 0 && items.size() > maxStructures) {
            Collections.shuffle(items, new Random(tc.seed()));
            items = new ArrayList<>(items.subList(0, maxStructures));
        }
        Backend.initialise(new Backend.Options(prec, threads));
        List<Structure> structures = new ArrayList<>();
        int tooLarge = 0;
        int reduced = 0;
        int noPrimitive = 0;
        for (LabelledData.Item it : items) {
            Structure s = it.structure();
            if (primitive) {
                Structure p = primitiveWithLabels(s, ld.targets());
                noPrimitive += p == null ? 1 : 0;
                reduced += p != null && p.size() < s.size() ? 1 : 0;
                s = p == null ? s : p;
            }
            if (maxAtoms > 0 && s.size() > maxAtoms) {
                tooLarge++;
            } else {
                structures.add(s);
            }
        }
        if (structures.isEmpty()) {
            throw new CliFailure(data + ": no structure with at most " + maxAtoms + " atoms");
        }
        Normalisation norm = TrainCommand.fitNormalisation(structures, ld.targets(), tc);
        ModelSetup setup = new ModelSetup(mc, norm, TrainCommand.vocabulary(), prec);
        List<Sample> samples = new ArrayList<>();
        int skipped = 0;
        long t0 = System.nanoTime();
        for (Structure s : structures) {
            try {
                samples.add(plugin.prepare(s, setup));
            } catch (RuntimeException e) {
                skipped++;
            }
        }
        double prepareMs = (System.nanoTime() - t0) / 1e6 / Math.max(1, structures.size());
        if (samples.isEmpty()) {
            throw new CliFailure(data + ": the model can take none of the structures");
        }
        PrintWriter err = spec.commandLine().getErr();
        err.printf(Locale.ROOT, "xtal: bench %s on %s (%s%s): %d structures%s%s; %s%n", plugin.name(), data, wanted,
                primitive ? ", primitive cells: " + reduced + " reduced, " + noPrimitive + " without one kept as given"
                        : "", samples.size(),
                skipped > 0 ? " (" + skipped + " the model cannot take)" : "",
                tooLarge > 0 ? " (" + tooLarge + " with more than " + maxAtoms + " atoms left out)" : "",
                Backend.get().describe());
        err.flush();
        return new Prepared(setup, samples, prepareMs);
    }

    /** The primitive cell, carrying the target values of the original; null when none was found. */
    private static Structure primitiveWithLabels(Structure s, List<String> targetNames) {
        Structure p;
        try {
            p = PrimitiveCellFinder.primitive(s);
        } catch (RuntimeException e) {
            return null;   // no primitive cell found (e.g. disorder): the caller keeps the cell as given
        }
        Structure.Builder b = p.toBuilder();
        for (String t : targetNames) {
            b.property(t, s.properties().get(t));
        }
        return b.build();
    }

    private ThroughputBench.Result bench(ModelPlugin plugin, ModelSetup setup, TrainConfig tc, List<Sample> samples,
                                         int measured) {
        ToDoubleFunction<Sample> flops = FlopEstimates.of(plugin, setup);
        try {
            return ThroughputBench.builder().plugin(plugin).setup(setup).config(tc).samples(samples).warmup(warmup)
                    .steps(measured).flops(flops).log(quiet ? null : line -> {
                        PrintWriter err = spec.commandLine().getErr();
                        err.println("xtal: " + line);
                        err.flush();
                    }).build().run();
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage());
        } catch (OutOfMemoryError e) {
            throw new CliFailure("out of Java heap (max " + Runtime.getRuntime().maxMemory() / (1 << 20)
                    + " MiB) at batch size " + tc.batchSize() + "; use a smaller --batch or --max-atoms, or a larger"
                    + " heap (XTAL_JAVA_OPTS=-Xmx...)", e);
        }
    }

    // ---------------------------------------------------------------- scaling

    private int scalingAtoms(ModelPlugin plugin, ModelConfig mc, TrainConfig tc, Precision prec) throws IOException {
        List<Integer> ns = sizes.isEmpty() ? List.of(1, 2, 4, 8, 16, 32, 64, 100, 150, 200) : sizes;
        Structure base;
        if (cell != null) {
            try {
                base = StructureIO.read(cell).get(0);
            } catch (IOException | RuntimeException e) {
                throw new CliFailure(cell + ": " + Problems.describe(e));
            }
        } else {
            base = ScalingCells.defaultBase();
        }
        Backend.initialise(new Backend.Options(prec, threads));
        ModelSetup setup = new ModelSetup(mc, Normalisation.identity(List.of(SYNTHETIC_TARGET)),
                TrainCommand.vocabulary(), prec);
        int b = tc.batchSize();
        List<ScalingReport.Point> points = new ArrayList<>();
        boolean failed = false;
        for (int n : ns) {
            if (failed) {
                points.add(ScalingReport.Point.failed(n, b, "skipped after a smaller size failed"));
                continue;
            }
            try {
                Structure s = ScalingCells.withAtoms(base, n).toBuilder().property(SYNTHETIC_TARGET, 0.5).build();
                Sample sample = plugin.prepare(s, setup);
                List<Sample> copies = Collections.nCopies(b, sample);
                points.add(point(n, plugin, setup, tc, copies, s));
            } catch (RuntimeException | OutOfMemoryError e) {
                failed = true;
                points.add(ScalingReport.Point.failed(n, b, Problems.describe(e)));
            }
            progress(points.get(points.size() - 1), "atoms");
        }
        writeScaling("atoms", "atoms per cell", "Time per structure against atoms per cell (batch " + b + ")", points);
        return Xtal.OK;
    }

    private int scalingBatch(ModelPlugin plugin, ModelConfig mc, TrainConfig tc, Precision prec) throws IOException {
        List<Integer> bs = sizes.isEmpty() ? List.of(1, 2, 4, 8, 16, 32, 64, 128) : sizes;
        Prepared p = prepareData(plugin, mc, tc, prec);
        List<ScalingReport.Point> points = new ArrayList<>();
        boolean failed = false;
        for (int b : bs) {
            if (failed) {
                points.add(ScalingReport.Point.failed(b, b, "skipped after a smaller size failed"));
                continue;
            }
            try {
                TrainConfig c = tc.toBuilder().batchSize(b).build();
                points.add(point(b, plugin, p.setup(), c, p.samples(), null));
            } catch (RuntimeException | OutOfMemoryError e) {
                failed = true;
                points.add(ScalingReport.Point.failed(b, b, Problems.describe(e)));
            }
            progress(points.get(points.size() - 1), "batch");
        }
        writeScaling("batch", "batch size", "Time per structure against batch size (" + data.getFileName() + ")",
                points);
        return Xtal.OK;
    }

    private ScalingReport.Point point(int x, ModelPlugin plugin, ModelSetup setup, TrainConfig tc,
                                      List<Sample> samples, Structure cellOrNull) {
        ThroughputBench.Result r = bench(plugin, setup, tc, samples, steps);
        ThroughputBench.Phase tr = r.train();
        ThroughputBench.Phase in = r.inference();
        double translations = 0;
        if (cellOrNull != null && setup.config() instanceof CrystalformerConfig c) {
            translations = FlopEstimates.translations(c, cellOrNull.lattice().matrix());
        }
        System.gc();
        return new ScalingReport.Point(x, tc.batchSize(), tr.meanAtoms(), 1e3 * tr.seconds() / tr.structures(),
                1e3 * in.seconds() / in.structures(), tr.forwardFlops() / tr.structures() / 1e6, translations, null);
    }

    private void progress(ScalingReport.Point p, String what) {
        PrintWriter err = spec.commandLine().getErr();
        if (p.error() == null) {
            err.printf(Locale.ROOT, "xtal: %s %d: training %.2f ms/structure, inference %.2f ms/structure%n", what,
                    p.x(), p.trainMsPerStructure(), p.inferMsPerStructure());
        } else {
            err.printf(Locale.ROOT, "xtal: %s %d: %s%n", what, p.x(), p.error());
        }
        err.flush();
    }

    private void writeScaling(String name, String xTitle, String title, List<ScalingReport.Point> points)
            throws IOException {
        Path csv = out.resolve("scaling_" + name + ".csv");
        Path png = out.resolve("scaling_" + name + ".png");
        ScalingReport.writeCsv(csv, name, points);
        ScalingReport.plot(png, title, xTitle, points);
        PrintWriter o = spec.commandLine().getOut();
        o.println(csv);
        o.println(png);
        o.flush();
    }
}
