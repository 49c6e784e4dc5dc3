package org.xtal4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.xtal4j.models.crystalformer.CrystalformerConfig;
import org.xtal4j.models.crystalformer.ReferenceImport;
import org.xtal4j.nn.model.ModelFile;
import org.xtal4j.nn.model.Normalisation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code xtal import}: a trained model of the Crystalformer reference implementation (a PyTorch-Lightning
 * {@code .ckpt}, or a safetensors state dict with its params JSON) as an xtal4j model file. No Python needed.
 */
@Command(
        name = "import",
        description = "Import a model trained by the Crystalformer reference implementation: a PyTorch-Lightning "
                + "checkpoint (.ckpt, torch.save zip format) or a .safetensors state dict with reference tensor "
                + "names (then --params is required). Writes an xtal4j model file (.xtal).",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the model was imported", "1:the input could not be read or does not fit",
                "2:usage error"})
final class ImportCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Parameters(index = "0", paramLabel = "REFERENCE_FILE", description = "A .ckpt checkpoint or a .safetensors "
            + "state dict of the reference.")
    private Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.xtal", description = "Model file to write.")
    private Path output;

    @Option(names = "--params", paramLabel = "PARAMS.json", description = "Hyper-parameters in the reference's "
            + "flat params JSON format (default: the checkpoint's hyper_parameters).")
    private Path params;

    @Option(names = "--target-mean", paramLabel = "M", description = "Target mean (default: the stored target_mean).")
    private Double targetMean;

    @Option(names = "--target-std", paramLabel = "S", description = "Target std (default: the stored target_std).")
    private Double targetStd;

    @Option(names = "--weights", paramLabel = "swa|model", defaultValue = "swa", description = "Which weights of "
            + "a checkpoint: swa (swa_model.module.*, the released ones) or model (model.*). Default: ${DEFAULT-VALUE}.")
    private String weights;

    @Option(names = "--target", paramLabel = "NAME", description = "Target name(s), comma-separated (default: the "
            + "hyper-parameter 'targets').")
    private String target;

    @Option(names = "--box", paramLabel = "adaptive|fixed", description = "Lattice-sum box: adaptive (the "
            + "reference's CUDA kernels) or fixed (its pure-PyTorch path). Default: adaptive unless the "
            + "hyper-parameters say use_cuda_code false.")
    private String box;

    @Override
    public Integer call() throws IOException {
        ReferenceImport.WeightsSource source = switch (weights.toLowerCase(Locale.ROOT)) {
            case "swa" -> ReferenceImport.WeightsSource.SWA;
            case "model" -> ReferenceImport.WeightsSource.MODEL;
            default -> throw new ParameterException(spec.commandLine(), "--weights must be swa or model, got '"
                    + weights + "'");
        };
        if ((targetMean == null) != (targetStd == null)) {
            throw new ParameterException(spec.commandLine(), "give both --target-mean and --target-std, or neither");
        }
        if (targetStd != null && !(targetStd > 0 && Double.isFinite(targetStd) && Double.isFinite(targetMean))) {
            throw new ParameterException(spec.commandLine(), "--target-std must be a positive number");
        }
        CrystalformerConfig.BoxSemantics b = null;
        if (box != null) {
            b = switch (box.toLowerCase(Locale.ROOT)) {
                case "adaptive" -> CrystalformerConfig.BoxSemantics.ADAPTIVE;
                case "fixed" -> CrystalformerConfig.BoxSemantics.FIXED;
                default -> throw new ParameterException(spec.commandLine(), "--box must be adaptive or fixed");
            };
        }
        JsonNode hp = null;
        if (params != null) {
            try {
                hp = ReferenceImport.readParams(params);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new CliFailure(params + ": not valid JSON: " + e.getOriginalMessage(), e);
            }
        }
        ReferenceImport imp = ReferenceImport.builder().weights(source).targetMean(targetMean).targetStd(targetStd)
                .params(hp).targetName(target).box(b).build();
        if (!Files.isRegularFile(input)) {
            throw new CliFailure(input + ": no such file");
        }
        boolean safetensors = input.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors");
        ModelFile mf = safetensors ? imp.fromSafetensors(input) : imp.fromCheckpoint(input);
        mf.write(output);
        PrintWriter out = spec.commandLine().getOut();
        StringBuilder t = new StringBuilder();
        for (Normalisation.Target x : mf.normalisation().targets()) {
            t.append(String.format(Locale.ROOT, " %s (mean %.9g, std %.9g)", x.name(), x.mean(), x.std()));
        }
        long params = mf.weights().tensors().values().stream().mapToLong(h -> h.numElements()).sum();
        out.printf(Locale.ROOT, "%s: crystalformer, %d tensors (%d values), %s weights, %s box, target%s%n",
                output, mf.weights().size(), params, source.name().toLowerCase(Locale.ROOT),
                mf.hyperParameters().get("box").asText(), t);
        out.flush();
        return Xtal.OK;
    }
}
