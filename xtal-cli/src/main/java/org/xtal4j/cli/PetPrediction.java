package org.xtal4j.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.xtal4j.io.StructureIO;
import org.xtal4j.models.pet.PetBlock;
import org.xtal4j.models.pet.PetConfig;
import org.xtal4j.models.pet.PetEcse;
import org.xtal4j.models.pet.PetPlugin;
import org.xtal4j.models.pet.PetPredictor;
import org.xtal4j.models.pet.ecse.EcseException;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.model.ModelFile;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Weights;
import org.xtal4j.structure.Structure;

/**
 * {@code xtal predict} for a PET model: energies (eV, self-contributions included), forces (eV/Å) and, for
 * frames periodic along all three axes, stresses (eV/Å³). With {@code -o OUT.extxyz} (or .xyz) every input frame
 * is written back with the predicted {@code energy} and {@code stress} (9 numbers, row-major, as ASE writes it)
 * in the frame info and {@code forces} as a per-atom property (ASE conventions; frames that fail are left
 * out and reported); otherwise a CSV / table of id, energy, error. Predictions are symmetrised with ECSE
 * ({@link PetEcse}, hyper-parameters from the model's {@code ECSE_HYPERS} or the reference defaults) unless
 * {@code --no-ecse} asks for the raw backbone. A frame ECSE cannot symmetrise (no frame: a dimer, a linear chain)
 * is reported by name and left out; only {@code --no-ecse} predicts it.
 */
final class PetPrediction {

    private PetPrediction() {
    }

    /** True when the model file holds a PET model. */
    static boolean isPet(Path model) {
        try {
            return PetPlugin.NAME.equals(ModelFile.read(model).modelType());
        } catch (IOException | RuntimeException e) {
            return false;   // the general path reports the unreadable file
        }
    }

    static boolean extxyzOutput(Path output) {
        if (output == null) {
            return false;
        }
        String n = output.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".extxyz") || n.endsWith(".xyz");
    }

    /** The raw backbone, or with {@code ecse} the ECSE-symmetrised model. */
    static PetPredictor predictor(ModelFile file, ModelSetup setup, PetBlock block, NDManager manager,
                                  boolean ecse) {
        PetPredictor raw = new PetPredictor(setup, block, manager);
        return ecse ? raw.withEcse(PetEcse.config((PetConfig) setup.config(),
                file.hyperParameters().get(PetEcse.HYPERS_KEY))) : raw;
    }

    private static String describe(RuntimeException e) {
        return e instanceof EcseException ? e.getMessage() + "; --no-ecse predicts it with the raw backbone"
                : Problems.describe(e);
    }

    /**
     * When the input frames carry reference labels (the target in the info, {@code forces} per atom), prints the
     * energy MAE per atom (meV/atom) and the force MAE per component (meV/Å) of the predicted frames.
     */
    private static void reportErrors(List<Structure> frames, List<String> errors, double[] energy,
                                     double[][][] forces, double[][] stress, String target, PrintWriter err) {
        double eSum = 0;
        int eN = 0;
        double fSum = 0;
        long fN = 0;
        double sSum = 0;
        long sN = 0;
        for (int k = 0; k < frames.size(); k++) {
            Structure s = frames.get(k);
            if (errors.get(k) != null || s == null) {
                continue;
            }
            if (s.properties().get(target) instanceof Number n) {
                eSum += Math.abs(energy[k] - n.doubleValue()) / s.size();
                eN++;
            }
            double[][] f = s.siteProperties().get(PetPlugin.FORCES);
            if (f != null) {
                for (int i = 0; i < f.length; i++) {
                    for (int a = 0; a < 3; a++) {
                        fSum += Math.abs(forces[k][i][a] - f[i][a]);
                        fN++;
                    }
                }
            }
            double[] sl = stress[k] == null ? null : PetPlugin.stressLabel(s, s.lattice().volume());
            if (sl != null) {
                for (int c = 0; c < 9; c++) {
                    sSum += Math.abs(stress[k][c] - sl[c]);
                    sN++;
                }
            }
        }
        if (eN > 0) {
            err.printf(Locale.ROOT, "xtal: against the labels in the input: energy MAE %.3f meV/atom (%d frames)%s%n",
                    1000 * eSum / eN, eN, fN > 0 ? String.format(Locale.ROOT, ", force MAE %.3f meV/Å (%d components)",
                            1000 * fSum / fN, fN) : "");
        }
        if (sN > 0) {
            err.printf(Locale.ROOT, "xtal: against the labels in the input: stress MAE %.3f meV/Å³ (%d frames)%n",
                    1000 * sSum / sN, sN / 9);
        }
    }

    static int run(List<Path> models, List<Path> inputs, Path output, int batchSize, boolean ecse, PrintWriter out,
                   PrintWriter err) throws IOException {
        if (models.size() != 1) {
            throw new CliFailure("PET prediction takes one --model file (ensembles are not supported for pet)");
        }
        ModelFile file = ModelFile.read(models.get(0));
        PetPlugin plugin = new PetPlugin();
        ModelSetup setup = ModelSetup.of(file, plugin, Backend.get().precision());
        List<String> ids = new ArrayList<>();
        List<Structure> frames = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Path p : inputs) {
            List<Path> files = Files.isDirectory(p) ? StructureFiles.expand(p) : List.of(p);
            for (Path f : files) {
                StructureFiles.Loaded l = StructureFiles.load(f);
                if (!l.ok()) {
                    ids.add(f.toString());
                    frames.add(null);
                    errors.add(Problems.describe(l.error(), f.toString()));
                    continue;
                }
                for (int i = 0; i < l.structures().size(); i++) {
                    ids.add(l.structures().size() > 1 ? f + "#" + (i + 1) : f.toString());
                    frames.add(l.structures().get(i));
                    errors.add(null);
                }
            }
        }
        double[] energy = new double[frames.size()];
        double[][][] forces = new double[frames.size()][][];
        double[][] stress = new double[frames.size()][];   // row-major 3×3, null unless periodic
        long t0 = System.nanoTime();
        int failed = 0;
        try (NDManager m = Backend.get().newManager()) {
            PetBlock block = (PetBlock) plugin.newBlock(setup);
            plugin.initialize(block, m, setup);
            Weights.load(plugin.namedParameters(block), file.weights(), true);
            PetPredictor predictor = predictor(file, setup, block, m, ecse);
            int step = ecse ? 1 : batchSize;   // ECSE works per structure (it batches frames instead)
            for (int from = 0; from < frames.size(); from += step) {
                int to = Math.min(frames.size(), from + step);
                List<Integer> idx = new ArrayList<>();
                for (int k = from; k < to; k++) {
                    if (frames.get(k) != null) {
                        idx.add(k);
                    }
                }
                try {
                    List<PetPredictor.Prediction> p = predictor.predict(idx.stream().map(frames::get).toList());
                    for (int k = 0; k < idx.size(); k++) {
                        energy[idx.get(k)] = p.get(k).energy();
                        forces[idx.get(k)] = p.get(k).forces();
                        stress[idx.get(k)] = p.get(k).stressRowMajor();
                    }
                } catch (RuntimeException e) {
                    for (int k : idx) {   // one at a time, to name the frame that fails
                        try {
                            PetPredictor.Prediction p = predictor.predict(List.of(frames.get(k))).get(0);
                            energy[k] = p.energy();
                            forces[k] = p.forces();
                            stress[k] = p.stressRowMajor();
                        } catch (RuntimeException e1) {
                            errors.set(k, describe(e1));
                        }
                    }
                }
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        reportErrors(frames, errors, energy, forces, stress, setup.targetNames().get(0), err);
        for (int k = 0; k < frames.size(); k++) {
            if (errors.get(k) != null) {
                failed++;
                err.println("xtal: " + ids.get(k) + ": " + errors.get(k));
            }
        }
        if (extxyzOutput(output)) {
            List<Structure> outFrames = new ArrayList<>();
            for (int k = 0; k < frames.size(); k++) {
                if (errors.get(k) == null) {
                    Structure.Builder b = frames.get(k).toBuilder().property("energy", energy[k])
                            .siteProperty("forces", forces[k]);
                    if (stress[k] != null) {
                        b.property(PetPlugin.STRESS, stress[k]);
                    }
                    outFrames.add(b.build());
                }
            }
            Path parent = output.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            StructureIO.write(output, outFrames);
        } else {
            List<List<String>> rows = new ArrayList<>();
            for (int k = 0; k < frames.size(); k++) {
                rows.add(List.of(ids.get(k), errors.get(k) == null ? Double.toString(energy[k]) : "",
                        errors.get(k) == null ? "" : errors.get(k)));
            }
            List<String> header = List.of("id", setup.targetNames().get(0), "error");
            if (output != null) {
                Files.createDirectories(output.toAbsolutePath().getParent());
                try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8);
                     CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').build())) {
                    p.printRecord(header);
                    for (List<String> r : rows) {
                        p.printRecord(r);
                    }
                }
            } else {
                PredictCommand.printTable(out, header, rows);
            }
        }
        err.printf(Locale.ROOT, "xtal: predicted %d of %d structures with pet (%s) in %.2f s%n",
                frames.size() - failed, frames.size(), ecse ? "ECSE-symmetrised" : "raw backbone, no ECSE", secs);
        err.flush();
        return failed > 0 ? Xtal.INPUT_FAILED : Xtal.OK;
    }
}
