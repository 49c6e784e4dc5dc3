package org.xtal4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commit a trained model records comes from the checkout's .git: loose, packed, detached and linked work trees. */
class CheckoutTest {

    private static final String A = "0123456789abcdef0123456789abcdef01234567";
    private static final String B = "89abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void readsTheBranchHeadPointsAt() throws IOException {
        Path git = Files.createDirectories(dir.resolve(".git/refs/heads"));
        Files.writeString(dir.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(git.resolve("main"), A + "\n");
        assertThat(Checkout.commit(dir)).contains(A);
    }

    @Test
    void readsPackedRefsAndDetachedHeads() throws IOException {
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(dir.resolve(".git/packed-refs"), "# pack-refs with: peeled fully-peeled sorted\n"
                + B + " refs/heads/other\n" + A + " refs/heads/main\n");
        assertThat(Checkout.commit(dir)).contains(A);
        Files.writeString(dir.resolve(".git/HEAD"), B + "\n");
        assertThat(Checkout.commit(dir)).contains(B);
    }

    @Test
    void followsALinkedWorkTreeToTheCommonRefs() throws IOException {
        Path main = Files.createDirectories(dir.resolve("main/.git/refs/heads"));
        Files.writeString(main.resolve("feature"), B + "\n");
        Path wt = Files.createDirectories(dir.resolve("main/.git/worktrees/wt"));
        Files.writeString(wt.resolve("HEAD"), "ref: refs/heads/feature\n");
        Files.writeString(wt.resolve("commondir"), "../..\n");
        Path tree = Files.createDirectories(dir.resolve("wt"));
        Files.writeString(tree.resolve(".git"), "gitdir: " + wt + "\n");
        assertThat(Checkout.commit(tree)).contains(B);
    }

    @Test
    void isEmptyOutsideACheckoutOrForGarbage() throws IOException {
        assertThat(Checkout.commit(dir)).isEmpty();
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve(".git/HEAD"), "not a commit\n");
        assertThat(Checkout.commit(dir)).isEmpty();
    }
}
