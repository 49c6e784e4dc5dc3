package org.xtal4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelRegistry;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Provenance;
import org.xtal4j.nn.model.Sample;
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

    @Option(names = "--resume", description = "Continue the run in OUT from its last checkpoint.")
    private boolean resume;

    @Option(names = "--stop-after", paramLabel = "N",
            description = "Stop after N more epochs (resume later with --resume).")
    private int stopAfter;

    @Option(names = "--max-atoms", paramLabel = "N",
            description = "Site-Net: at most N atoms in each crystal's approximately cubic supercell (the max_atoms "
                    + "key; default 500, the paper's).")
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
        ModelPlugin plugin = ModelRegistry.find(model).orElseThrow(() -> new ParameterException(
                spec.commandLine(), "--model: unknown model '" + model + "' (known: " + ModelRegistry.names() + ")"));
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
            if (!sitenet) {
                throw new ParameterException(spec.commandLine(), "--max-atoms: only for --model sitenet");
            }
            hp.model.put("max_atoms", maxAtoms.intValue());
        }
        // Site-Net's defaults are its reference recipe (1200 unique sites per batch, ...); the user's keys win
        TrainConfig tc = hp.trainConfig(sitenet ? SiteNetPlugin.referenceTrainConfig() : TrainConfig.defaultConfig());
        ModelConfig mc;
        try {
            mc = plugin.parseConfig(hp.model);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage() + " (training keys are: " + HyperParameters.trainingKeys() + ")");
        }

        LabelledData ld = LabelledData.load(data, data.targets, LabelledData.TRAIN);
        Backend backend = Backend.initialise(new Backend.Options(prec, threads));
        List<Structure> trainStructures = ld.part(LabelledData.TRAIN).stream().map(LabelledData.Item::structure)
                .toList();
        if (trainStructures.isEmpty()) {
            throw new CliFailure(data.data + ": no usable training rows");
        }
        Normalisation norm;
        try {
            norm = TargetNormaliser.fit(trainStructures, ld.targets(), Map.of(),
                    TargetNormaliser.Mode.parse(tc.normalizeTargets()));
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage());
        }
        ModelSetup setup = plugin.fitToTrainingData(new ModelSetup(mc, norm, vocabulary(), prec), trainStructures);
        List<RecordError> skipped = new ArrayList<>(ld.skipped());
        List<Sample> train = prepare(plugin, setup, ld.part(LabelledData.TRAIN), skipped, sitenet);
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
        Provenance prov = Provenance.now().withDataset(data.data.toString(), split, tc.seed())
                .withCommandLine(null, commandLine());
        PrintStream log = linesTo(err);
        TrainResult r = Trainer.builder().plugin(plugin).setup(setup).config(tc).train(train).validation(val)
                .test(test).output(out).provenance(prov).resume(resume).stopAfterEpochs(stopAfter).quiet(quiet)
                .log(log).progress(quiet ? Boolean.FALSE : null).build().run();
        log.flush();
        PrintWriter o = spec.commandLine().getOut();
        if (r.completed()) {
            o.printf(Locale.ROOT, "%s: %d epochs, best epoch %d%s%n", r.modelFile(), r.epochsDone(), r.bestEpoch(),
                    r.usedSwa() ? ", SWA weights" : "");
            for (String part : List.of("val", "test")) {
                for (String t : ld.targets()) {
                    Double mae = r.metrics().get(part + "_mae_" + t);
                    if (mae != null) {
                        o.printf(Locale.ROOT, "%s %s: MAE %.6g  RMSE %.6g  R2 %.6g%n", part, t, mae,
                                r.metrics().get(part + "_rmse_" + t), r.metrics().get(part + "_r2_" + t));
                    }
                }
            }
        } else {
            o.printf(Locale.ROOT, "%s: stopped after epoch %d; continue with --resume%n", out, r.epochsDone());
        }
        o.flush();
        return Xtal.OK;
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
