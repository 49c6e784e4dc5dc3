package org.xtal4j.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The checkout or installation xtal runs from ({@code -Dxtal.home}, which {@code bin/xtal} sets, or two levels
 * above the xtal-cli jar), and the git commit its HEAD points at, read from {@code .git} in plain Java (no git
 * binary), so that every trained model records the code it came from.
 */
final class Checkout {

    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");

    private Checkout() {
    }

    /** The checkout's root folder, when it can be found. */
    static Optional<Path> root() {
        String home = System.getProperty("xtal.home");
        if (home != null && !home.isBlank()) {
            return Optional.of(Path.of(home));
        }
        try {
            Path code = Path.of(Checkout.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // xtal-cli/target/xtal-cli-*.jar (or xtal-cli/target/classes) -> the checkout
            Path target = code.getParent();
            Path module = target == null ? null : target.getParent();
            return module == null ? Optional.empty() : Optional.ofNullable(module.getParent());
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The commit HEAD of the checkout points at (40 hex digits), or empty outside a git checkout. */
    static Optional<String> commit() {
        return root().flatMap(Checkout::commit);
    }

    /** The commit HEAD of the git work tree at {@code root} points at; empty when there is none or it is unreadable. */
    static Optional<String> commit(Path root) {
        try {
            Path dotGit = root.resolve(".git");
            Path gitDir;
            if (Files.isDirectory(dotGit)) {
                gitDir = dotGit;
            } else if (Files.isRegularFile(dotGit)) {                  // a linked work tree: "gitdir: PATH"
                String line = Files.readString(dotGit, StandardCharsets.UTF_8).trim();
                if (!line.startsWith("gitdir:")) {
                    return Optional.empty();
                }
                gitDir = root.resolve(line.substring("gitdir:".length()).trim()).normalize();
            } else {
                return Optional.empty();
            }
            Path common = gitDir;
            Path commonFile = gitDir.resolve("commondir");
            if (Files.isRegularFile(commonFile)) {
                common = gitDir.resolve(Files.readString(commonFile, StandardCharsets.UTF_8).trim()).normalize();
            }
            String head = Files.readString(gitDir.resolve("HEAD"), StandardCharsets.UTF_8).trim();
            if (!head.startsWith("ref:")) {
                return sha(head);
            }
            String ref = head.substring("ref:".length()).trim();
            for (Path dir : List.of(gitDir, common)) {
                Path loose = dir.resolve(ref);
                if (Files.isRegularFile(loose)) {
                    return sha(Files.readString(loose, StandardCharsets.UTF_8).trim());
                }
            }
            Path packed = common.resolve("packed-refs");
            if (Files.isRegularFile(packed)) {
                for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
                    String[] parts = line.trim().split(" ");
                    if (parts.length == 2 && parts[1].equals(ref)) {
                        return sha(parts[0]);
                    }
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();   // provenance is best effort: never fail a training run over it
        }
    }

    private static Optional<String> sha(String s) {
        return SHA.matcher(s).matches() ? Optional.of(s) : Optional.empty();
    }
}
