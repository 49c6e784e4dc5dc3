package org.xtal4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The models {@code xtal predict} uses when no {@code --model} is given: every {@code .xtal} file directly in the
 * pretrained-model folder. That folder is {@code $XTAL_MODELS} when set, otherwise {@code models/} of the checkout
 * or installation ({@code -Dxtal.home}, which {@code bin/xtal} sets, or two levels above the xtal-cli jar).
 */
final class PretrainedModels {

    static final String ENV = "XTAL_MODELS";

    private PretrainedModels() {
    }

    /** The pretrained models, in file-name order; a {@link CliFailure} saying where it looked when there are none. */
    static List<Path> find() {
        Path dir = folder().orElseThrow(() -> new CliFailure("no --model given and no pretrained-model folder found "
                + "(set " + ENV + " to a folder of .xtal files, or give --model FILE)"));
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xtal"))
                    .filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new CliFailure(dir + ": cannot list the pretrained models: " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new CliFailure("no --model given and " + dir + " holds no .xtal model files");
        }
        return files;
    }

    static Optional<Path> folder() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env));
        }
        return Checkout.root().flatMap(root -> existing(root.resolve("models")));
    }

    private static Optional<Path> existing(Path dir) {
        return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
    }
}
