package org.xtal4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.xtal4j.data.Dataset;
import org.xtal4j.data.RecordError;
import org.xtal4j.models.sitenet.SiteNetPlugin;
import org.xtal4j.models.sitenet.SiteNetSample;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.model.ModelConfig;
import org.xtal4j.nn.model.ModelFile;
import org.xtal4j.nn.model.ModelFileException;
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelRegistry;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Provenance;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.nn.predict.Predictor;
import org.xtal4j.nn.train.TargetNormaliser;
import org.xtal4j.nn.train.TrainConfig;
import org.xtal4j.nn.train.TrainResult;
import org.xtal4j.nn.train.Trainer;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Structure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code xtal train}: trains a model on a labelled data set and writes OUT/model.xtal, metrics and plots. */
@Command(
        name = "train",
        description = "Train a model (default: crystalformer) on a labelled data set. Writes OUT/model.xtal, "
                + "OUT/metrics.csv (one row per epoch), OUT/checkpoint/ (for --resume), learning curves and "
                + "parity plots (PNG), and OUT/skipped.csv listing rows that could not be used. "
                + "Hyper-parameters: --config FILE (JSON or YAML) and --set key=value, under the reference "
                + "implementation's names; training keys (lr, batch_size, n_epochs, swa_epochs, ...) go to the "
                + "trainer, all others to the model. Site-Net (--model sitenet) starts from the reference's recipe "
                + "(AdamW amsgrad, lr 8.126e-4, batches of at most 1200 unique sites, no target normalisation) and "
                + "leaves crystals whose primitive cell exceeds --max-atoms out of training. See docs/crystalformer.md "
                + "and docs/sitenet.md.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:trained (or stopped early by --stop-after)", "1:the data, configuration or a file "
                + "could not be used", "2:usage error"})
final class TrainCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--model", defaultValue = "crystalformer", paramLabel = "NAME",
            description = "Model type (default: ${DEFAULT-VALUE}).")
    private String model;

    @Mixin
    private DataOptions data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    private Path out;

    @Option(names = "--config", paramLabel = "FILE", description = "Hyper-parameters, JSON or YAML.")
    private Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one hyper-parameter (repeatable).")
    private List<String> overrides = new ArrayList<>();

    @Option(names = "--epochs", paramLabel = "N", description = "Number of epochs (the n_epochs key).")
    private Integer epochs;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed (the seed key).")
    private Long seed;

    @Option(names = "--ensemble", defaultValue = "1", paramLabel = "K",
            description = "Train K models (seeds seed, seed+1, ...) into OUT/member-1 ... OUT/member-K, then "
                    + "evaluate their mean on val and test: OUT/ensemble_metrics.json (MAE, RMSE, R2, mean std "
                    + "and the Spearman correlation of std with |error| per target), OUT/ensemble_val.csv, "
                    + "OUT/ensemble_test.csv. Predict with -m OUT. Default: ${DEFAULT-VALUE} (one model in OUT). "
                    + "See docs/ensembles.md.")
    private int ensemble;

    @Option(names = "--resume", description = "Continue the run in OUT from its last checkpoint (with --ensemble: "
            + "skip finished members, continue the one that was stopped).")
    private boolean resume;

    @Option(names = "--stop-after", paramLabel = "N",
            description = "Stop after N more epochs (resume later with --resume); with --ensemble counted over the "
                    + "members.")
    private int stopAfter;

    @Option(names = "--init-from", paramLabel = "MODEL",
            description = "Start from the weights of a trained model file instead of a fresh initialisation. The "
                    + "model type, hyper-parameters and element vocabulary come from that file (--set model keys may "
                    + "change those that do not change a weight's shape). With the file's targets (same names, same "
                    + "order) the run continues that model, with its target normalisation: fine-tuning on other "
                    + "data, or training longer. With other targets it is transfer learning: the normalisation is "
                    + "fitted afresh and every tensor whose shape still fits is taken (the others, e.g. the output "
                    + "layer, are initialised afresh and listed). The optimiser and the learning-rate schedule start "
                    + "afresh; the new model's card names the file it started from.")
    private Path initFrom;

    @Option(names = "--max-atoms", paramLabel = "N",
            description = "Site-Net: at most N atoms in each crystal's approximately cubic supercell (the max_atoms "
                    + "key; default 500, the paper's); crystals whose primitive cell is larger are not trained on. "
                    + "Other models: crystals with more than N atoms in their cell are not trained on (their cost "
                    + "grows as N²); validation and test keep them.")
    private Integer maxAtoms;

    @Option(names = "--precision", defaultValue = "float32", paramLabel = "P",
            description = "float32 or float64 (default: ${DEFAULT-VALUE}).")
    private String precision;

    @Option(names = "--threads", paramLabel = "N", description = "Intra-op threads (default: all cores).")
    private int threads;

    @Option(names = "--quiet", description = "No per-epoch lines or progress bar.")
    private boolean quiet;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (ensemble < 1) {
            throw new ParameterException(spec.commandLine(), "--ensemble must be at least 1");
        }
        ModelFile start = initFrom == null ? null : readStart();
        if (start != null && !spec.commandLine().getParseResult().hasMatchedOption("--model")) {
            model = start.modelType();
        }
        ModelPlugin plugin = ModelRegistry.find(model).orElseThrow(() -> new ParameterException(
                spec.commandLine(), "--model: unknown model '" + model + "' (known: " + ModelRegistry.names() + ")"));
        if (start != null && !start.modelType().equals(plugin.name())) {
            throw new CliFailure(initFrom + " holds a '" + start.modelType() + "' model, not '" + plugin.name()
                    + "' (leave --model out to take the file's)");
        }
        Precision prec;
        try {
            prec = Precision.parse(precision);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--precision: " + e.getMessage());
        }
        HyperParameters hp = new HyperParameters();
        if (config != null) {
            hp.readFile(config);
        }
        hp.setAll(overrides);
        if (epochs != null) {
            hp.training.put("n_epochs", epochs);
            hp.training.remove("epochs");
        }
        if (seed != null) {
            hp.training.put("seed", seed);
        }
        boolean sitenet = plugin instanceof SiteNetPlugin;
        if (maxAtoms != null) {
            if (maxAtoms < 1) {
                throw new ParameterException(spec.commandLine(), "--max-atoms must be positive, got " + maxAtoms);
            }
            if (sitenet) {
                hp.model.put("max_atoms", maxAtoms.intValue());
            }
        }
        // Site-Net's defaults are its reference recipe (1200 unique sites per batch, ...); the user's keys win
        TrainConfig tc = hp.trainConfig(sitenet ? SiteNetPlugin.referenceTrainConfig() : TrainConfig.defaultConfig());
        ModelConfig mc;
        try {
            mc = plugin.parseConfig(start == null ? hp.model : withOverrides(start.hyperParameters(), hp.model));
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage() + " (training keys are: " + HyperParameters.trainingKeys() + ")");
        }

        LabelledData ld = LabelledData.load(data, data.targets, LabelledData.TRAIN);
        Backend backend = Backend.initialise(new Backend.Options(prec, threads));
        List<RecordError> skipped = new ArrayList<>(ld.skipped());
        List<LabelledData.Item> trainItems = ld.part(LabelledData.TRAIN);
        if (maxAtoms != null && !sitenet) {
            trainItems = new ArrayList<>();
            for (LabelledData.Item it : ld.part(LabelledData.TRAIN)) {
                if (it.structure().size() > maxAtoms) {
                    skipped.add(new RecordError(it.row(), it.id(), it.source(), "not trained on: "
                            + it.structure().size() + " atoms > --max-atoms " + maxAtoms));
                } else {
                    trainItems.add(it);
                }
            }
        }
        List<Structure> trainStructures = trainItems.stream().map(LabelledData.Item::structure).toList();
        if (trainStructures.isEmpty()) {
            throw new CliFailure(data.data + ": no usable training rows");
        }
        // the same targets: the run continues the model, whose output scale belongs to the file's normalisation;
        // other targets: transfer learning, a fresh normalisation and whatever tensors still fit
        boolean continued = start != null && start.normalisation().names().equals(ld.targets());
        ModelSetup setup;
        if (continued) {
            setup = new ModelSetup(mc, start.normalisation(), start.elements(), prec);
        } else {
            Normalisation norm = fitNormalisation(trainStructures, ld.targets(), tc);
            setup = plugin.fitToTrainingData(new ModelSetup(mc, norm, start != null ? start.elements() : vocabulary(),
                    prec), trainStructures);
        }
        List<Sample> train = prepare(plugin, setup, trainItems, skipped, sitenet);
        List<Sample> val = prepare(plugin, setup, ld.part(LabelledData.VAL), skipped, false);
        List<Sample> test = prepare(plugin, setup, ld.part(LabelledData.TEST), skipped, false);
        LabelledData.warn(skipped, err, 20);
        Dataset.writeReport(skipped, out.resolve("skipped.csv"));
        if (train.isEmpty()) {
            throw new CliFailure(data.data + ": no training rows left that " + plugin.name() + " can use (see "
                    + out.resolve("skipped.csv") + ")");
        }
        if (!quiet) {
            err.printf(Locale.ROOT, "xtal: %s on %s: %d train, %d val, %d test structures (%d skipped); %s%n",
                    plugin.name(), data.data, train.size(), val.size(), test.size(), skipped.size(),
                    backend.describe());
            err.flush();
        }
        String split = data.splitColumn != null ? "column " + data.splitColumn
                : "files: train " + data.data + (data.valData != null ? ", val " + data.valData : "")
                + (data.testData != null ? ", test " + data.testData : "");
        Run run = new Run(plugin, setup, train, val, test, split, err, start, continued);
        PrintWriter o = spec.commandLine().getOut();
        if (ensemble == 1) {
            TrainResult r = run.train(out, tc, stopAfter);
            if (r.completed()) {
                printResult(o, r, ld.targets(), "");
            } else {
                o.printf(Locale.ROOT, "%s: stopped after epoch %d; continue with --resume%n", out, r.epochsDone());
            }
            o.flush();
            return Xtal.OK;
        }
        return trainEnsemble(run, tc, ld, o);
    }

    /** What every member's training shares: the model, its setup and the prepared samples. */
    private final class Run {
        final ModelPlugin plugin;
        final ModelSetup setup;
        final List<Sample> train;
        final List<Sample> val;
        final List<Sample> test;
        final String split;
        final PrintWriter err;
        final ModelFile start;
        final boolean continued;

        Run(ModelPlugin plugin, ModelSetup setup, List<Sample> train, List<Sample> val, List<Sample> test,
            String split, PrintWriter err, ModelFile start, boolean continued) {
            this.plugin = plugin;
            this.setup = setup;
            this.train = train;
            this.val = val;
            this.test = test;
            this.split = split;
            this.err = err;
            this.start = start;
            this.continued = continued;
        }

        /** One ordinary training run (or its continuation with --resume) into {@code dir}. */
        TrainResult train(Path dir, TrainConfig tc, int stopAfterEpochs) throws IOException {
            Provenance prov = Provenance.now().withDataset(data.data.toString(), split, tc.seed())
                    .withCommandLine(Checkout.commit().orElse(null), commandLine());
            if (start != null) {
                ObjectNode extra = prov.extra();
                extra.set(InitialModel.KEY, InitialModel.describe(initFrom, start));
                prov = prov.withExtra(extra);
            }
            PrintStream log = linesTo(err);
            TrainResult r = Trainer.builder().plugin(plugin).setup(setup).config(tc).train(train).validation(val)
                    .test(test).output(dir).provenance(prov).resume(resume).stopAfterEpochs(stopAfterEpochs)
                    .initialWeights(start == null ? null : start.weights(), !continued)
                    .quiet(quiet).log(log).progress(quiet ? Boolean.FALSE : null).build().run();
            log.flush();
            return r;
        }
    }

    /**
     * Trains members 1..K (seeds seed, seed+1, ...) into OUT/member-k, one ordinary run each; with --resume a
     * member that has its model.xtal is finished and skipped, the one that was stopped goes on. --stop-after
     * counts epochs over all members of this invocation. When all are done, the ensemble is evaluated on val
     * and test.
     */
    private int trainEnsemble(Run run, TrainConfig tc, LabelledData ld, PrintWriter o) throws IOException {
        int budget = stopAfter;
        for (int k = 1; k <= ensemble; k++) {
            Path dir = EnsembleFolder.member(out, k);
            long memberSeed = tc.seed() + (k - 1);
            if (resume && Files.isRegularFile(dir.resolve(EnsembleFolder.MODEL_FILE))) {
                o.printf(Locale.ROOT, "member-%d (seed %d): finished before, skipped%n", k, memberSeed);
                continue;
            }
            if (stopAfter > 0 && budget <= 0) {
                o.printf(Locale.ROOT, "%s: stopped before member-%d; continue with --resume%n", out, k);
                o.flush();
                return Xtal.OK;
            }
            int before = resume ? epochsDone(dir) : 0;
            if (!quiet) {
                run.err.printf(Locale.ROOT, "xtal: member %d of %d, seed %d, into %s%n", k, ensemble, memberSeed, dir);
                run.err.flush();
            }
            TrainResult r = run.train(dir, tc.toBuilder().seed(memberSeed).build(), stopAfter > 0 ? budget : 0);
            budget -= Math.max(0, r.epochsDone() - before);
            if (!r.completed()) {
                o.printf(Locale.ROOT, "%s: stopped in member-%d after epoch %d; continue with --resume%n", out, k,
                        r.epochsDone());
                o.flush();
                return Xtal.OK;
            }
            printResult(o, r, ld.targets(), "member-" + k + " (seed " + memberSeed + ") ");
            o.flush();
        }
        evaluateEnsemble(tc, ld, o);
        return Xtal.OK;
    }

    /** Epochs a member has done so far: the rows of its metrics.csv when it has a checkpoint to resume from. */
    private static int epochsDone(Path dir) throws IOException {
        Path csv = dir.resolve("metrics.csv");
        if (!Files.isDirectory(dir.resolve("checkpoint")) || !Files.isRegularFile(csv)) {
            return 0;
        }
        return (int) Math.max(0, Files.readAllLines(csv).stream().filter(l -> !l.isBlank()).count() - 1);
    }

    /** Mean and std of the members on val and test: OUT/ensemble_metrics.json, OUT/ensemble_val.csv, a table. */
    private void evaluateEnsemble(TrainConfig tc, LabelledData ld, PrintWriter o) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int k = 1; k <= ensemble; k++) {
            files.add(EnsembleFolder.member(out, k).resolve(EnsembleFolder.MODEL_FILE));
        }
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("members", ensemble);
        ArrayNode seeds = json.putArray("seeds");
        ArrayNode models = json.putArray("models");
        for (int k = 1; k <= ensemble; k++) {
            seeds.add(tc.seed() + (k - 1));
            models.add(out.relativize(files.get(k - 1)).toString().replace('\\', '/'));
        }
        ArrayNode tj = json.putArray("targets");
        ld.targets().forEach(tj::add);
        json.put("std", "sample standard deviation over the members (n - 1)");
        json.put("spearman", "Spearman rank correlation between the per-structure std and |mean - label|");
        ObjectNode parts = json.putObject("parts");
        List<Predictor> loaded = LoadedModel.openAll(files);
        try {
            o.printf(Locale.ROOT, "ensemble of %d (seeds %d..%d), mean of the members:%n", ensemble, tc.seed(),
                    tc.seed() + ensemble - 1);
            EnsembleEvaluation.printHeader(o);
            for (String part : List.of(LabelledData.VAL, LabelledData.TEST)) {
                List<LabelledData.Item> items = ld.part(part);
                if (items.isEmpty()) {
                    continue;
                }
                EnsembleEvaluation ev = EnsembleEvaluation.run(part, items, loaded, tc.batchSize());
                ev.toJson(parts.putObject(part), ld.targets());
                ev.printRows(o, ld.targets());
                ev.writeCsv(out.resolve("ensemble_" + part + ".csv"), ld.targets());
            }
            if (parts.isEmpty()) {
                o.println("(no val or test structures: nothing to evaluate the ensemble on)");
            }
        } finally {
            loaded.forEach(Predictor::close);
        }
        AtomicFile.write(out.resolve("ensemble_metrics.json"), w -> JSON.writeValue(w, json));
        o.printf(Locale.ROOT, "%s%n", out.resolve("ensemble_metrics.json"));
        o.flush();
    }

    private static void printResult(PrintWriter o, TrainResult r, List<String> targets, String prefix) {
        o.printf(Locale.ROOT, "%s%s: %d epochs, best epoch %d%s%n", prefix, r.modelFile(), r.epochsDone(),
                r.bestEpoch(), r.usedSwa() ? ", SWA weights" : "");
        for (String part : List.of("val", "test")) {
            for (String t : targets) {
                Double mae = r.metrics().get(part + "_mae_" + t);
                if (mae != null) {
                    o.printf(Locale.ROOT, "%s%s %s: MAE %.6g  RMSE %.6g  R2 %.6g%n", prefix, part, t, mae,
                            r.metrics().get(part + "_rmse_" + t), r.metrics().get(part + "_r2_" + t));
                }
            }
        }
    }

    /**
     * Prepares samples; a structure the model cannot take (e.g. an element it has no embedding for) is skipped.
     * With {@code sitenetTraining}, the reference's training filter: a crystal whose primitive cell alone exceeds
     * max_atoms is not trained on (it is still evaluated when in val or test).
     */
    private static List<Sample> prepare(ModelPlugin plugin, ModelSetup setup, List<LabelledData.Item> items,
                                        List<RecordError> skipped, boolean sitenetTraining) {
        List<Sample> out = new ArrayList<>(items.size());
        for (LabelledData.Item it : items) {
            try {
                Sample s = plugin.prepare(it.structure(), setup);
                if (sitenetTraining && s instanceof SiteNetSample sn && sn.oversize().isPresent()) {
                    skipped.add(new RecordError(it.row(), it.id(), it.source(), "not trained on: "
                            + sn.oversize().get()));
                    continue;
                }
                out.add(s);
            } catch (RuntimeException e) {
                skipped.add(new RecordError(it.row(), it.id(), it.source(), Problems.describe(e)));
            }
        }
        return out;
    }

    private ModelFile readStart() throws IOException {
        try {
            return ModelFile.read(initFrom);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CliFailure("--init-from: " + initFrom + ": no such file");
        } catch (ModelFileException e) {
            throw new CliFailure("--init-from: " + e.getMessage(), e);
        }
    }

    /** The file's model keys with the user's on top (a key that changes a weight's shape fails at loading). */
    private static ObjectNode withOverrides(ObjectNode fromFile, ObjectNode user) {
        ObjectNode merged = fromFile.deepCopy();
        merged.setAll(user);
        return merged;
    }

    /** The target normalisation of the configuration's mode, fitted to the training structures' labels. */
    static Normalisation fitNormalisation(List<Structure> structures, List<String> targets, TrainConfig tc) {
        try {
            return TargetNormaliser.fit(structures, targets, Map.of(),
                    TargetNormaliser.Mode.parse(tc.normalizeTargets()));
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage());
        }
    }

    /** Elements H..Cf (Z 1..98), Crystalformer's fixed one-hot vocabulary. */
    static List<String> vocabulary() {
        List<String> el = new ArrayList<>();
        for (int z = 1; z <= 98; z++) {
            el.add(Element.of(z).symbol());
        }
        return el;
    }

    /** The trainer logs to a PrintStream; this one hands whole lines to the command's error writer. */
    private static PrintStream linesTo(PrintWriter w) {
        OutputStream os = new OutputStream() {
            private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

            @Override
            public void write(int b) {
                buf.write(b);
                if (b == '\n') {
                    flush();
                }
            }

            @Override
            public void flush() {
                w.print(buf.toString(StandardCharsets.UTF_8));
                buf.reset();
                w.flush();
            }
        };
        return new PrintStream(os, true, StandardCharsets.UTF_8);
    }

    private List<String> commandLine() {
        // the parse result's original arguments start with the subcommand's name
        List<String> args = new ArrayList<>(List.of("xtal"));
        args.addAll(spec.commandLine().getParseResult().originalArgs());
        return args;
    }
}
