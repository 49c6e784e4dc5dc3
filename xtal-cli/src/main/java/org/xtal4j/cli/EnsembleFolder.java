package org.xtal4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The layout of an ensemble written by {@code xtal train --ensemble K}: OUT/member-1 ... OUT/member-K, each a
 * normal run folder (checkpoints, metrics.csv, model.xtal), and the ensemble's own files in OUT.
 */
final class EnsembleFolder {

    static final String MODEL_FILE = "model.xtal";
    private static final Pattern MEMBER = Pattern.compile("member-(\\d+)");

    private EnsembleFolder() {
    }

    /** The run folder of member {@code k} (1-based). */
    static Path member(Path out, int k) {
        return out.resolve("member-" + k);
    }

    /** The member folders under {@code dir}, in member order (member-2 before member-10); none when not an ensemble. */
    static List<Path> members(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> Files.isDirectory(p) && MEMBER.matcher(p.getFileName().toString()).matches())
                    .forEach(found::add);
        }
        found.sort(Comparator.comparingLong(EnsembleFolder::number));
        return found;
    }

    private static long number(Path member) {
        Matcher m = MEMBER.matcher(member.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : Long.MAX_VALUE;
    }

    /**
     * Expands {@code -m} arguments into model files: a file stays as it is; an ensemble folder gives every
     * member-N/model.xtal in member order; a single run folder gives its model.xtal.
     *
     * @throws CliFailure for a folder that holds neither, or a member that has not finished training
     */
    static List<Path> modelFiles(List<Path> args) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path a : args) {
            if (!Files.isDirectory(a)) {
                files.add(a);
                continue;
            }
            List<Path> members = members(a);
            if (members.isEmpty()) {
                if (!Files.isRegularFile(a.resolve(MODEL_FILE))) {
                    throw new CliFailure(a + ": a folder given as a model must hold member-N/" + MODEL_FILE
                            + " (an ensemble from xtal train --ensemble) or " + MODEL_FILE + " (one run)");
                }
                files.add(a.resolve(MODEL_FILE));
                continue;
            }
            for (Path m : members) {
                if (!Files.isRegularFile(m.resolve(MODEL_FILE))) {
                    throw new CliFailure(m + " has no " + MODEL_FILE + ": that member has not finished training "
                            + "(continue with xtal train --ensemble ... --resume --out " + a + ")");
                }
                files.add(m.resolve(MODEL_FILE));
            }
        }
        return files;
    }
}
