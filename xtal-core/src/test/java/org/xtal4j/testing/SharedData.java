package org.xtal4j.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates {@code ../shared} (ground truth and data sets) for tests tagged {@code shared}.
 * The location comes from the system property {@code xtal.shared}, then the environment variable
 * {@code XTAL_SHARED}, then {@code ../shared} relative to the project root. When it is missing the
 * calling test is skipped with a message, not failed.
 */
public final class SharedData {

    private SharedData() {
    }

    public static Path root() {
        String p = System.getProperty("xtal.shared");
        if (p == null || p.isBlank()) {
            p = System.getenv("XTAL_SHARED");
        }
        Path root = p == null || p.isBlank() ? findUpwards() : Path.of(p);
        assumeTrue(root != null && Files.isDirectory(root),
                "../shared not found (set -Dxtal.shared=PATH or XTAL_SHARED); skipping a test that needs it");
        return root.toAbsolutePath().normalize();
    }

    /** A path inside shared/, e.g. {@code resolve("testdata/crystal-reference")}; skips the test if absent. */
    public static Path resolve(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.exists(p), "missing " + p + "; skipping a test that needs it");
        return p;
    }

    private static Path findUpwards() {
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 4 && dir != null; i++) {
            Path candidate = dir.resolve("../shared").normalize();
            if (Files.isDirectory(candidate.resolve("testdata"))) {
                return candidate;
            }
            dir = dir.getParent();
        }
        return null;
    }
}
