package org.xtal4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.nn.model.ModelFile;

/**
 * {@code xtal train --model sitenet}: the reference's recipe as defaults (1200 unique sites per batch), the user's
 * keys over it, {@code --max-atoms} into the pipeline, the oversize training filter and {@code --limit}. A tiny
 * model on twelve two-atom cells, one epoch.
 */
class SiteNetTrainCommandTest {

    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void data() throws Exception {
        data = TinyCrystals.csv(dir.resolve("tiny.csv"), 12, 3);
    }

    private static Cli.Result train(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--model", "sitenet", "--data", data.toString(),
                "--target", "y", "--split-column", "split", "--epochs", "1", "--quiet", "--out", out.toString(),
                "--set", "embedding_size=4", "--set", "site_dim_per_head=3", "--set", "attention_heads=2",
                "--set", "attention_dim_interaction=2", "--set", "attention_hidden_layers=[5]",
                "--set", "pre_pool_layers=[4]", "--set", "post_pool_layers=[6]", "--set", "plots=false"));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void defaultsToTheReferenceRecipeAndPassesMaxAtoms() throws Exception {
        Path out = dir.resolve("defaults");
        Cli.Result r = train(out, "--max-atoms", "16");
        assertThat(r.status()).as(r.toString()).isZero();
        ModelFile f = ModelFile.read(out.resolve("model.xtal"));
        assertThat(f.modelType()).isEqualTo("sitenet");
        assertThat(f.hyperParameters().get("max_atoms").asInt()).isEqualTo(16);
        assertThat(f.hyperParameters().get("attention_heads").asInt()).isEqualTo(2);
        JsonNode tc = f.provenance().extra().get("trainConfig");
        assertThat(tc.get("max_atoms_per_batch").asInt()).isEqualTo(1200);
        assertThat(tc.get("lr").asDouble()).isEqualTo(8.125971481941902e-4);
        assertThat(tc.get("amsgrad").asBoolean()).isTrue();
        assertThat(tc.get("normalize_targets").asText()).isEqualTo("no");
        assertThat(tc.get("n_epochs").asInt()).isEqualTo(1);   // --epochs over the recipe
        assertThat(f.provenance().extra().get("trainingSize").asInt()).isEqualTo(8);
    }

    @Test
    void userKeysOverrideTheRecipeAndMaxAtomsDefaultsTo500() throws Exception {
        Path out = dir.resolve("override");
        Cli.Result r = train(out, "--set", "max_atoms_per_batch=7", "--set", "lr=0.001", "--limit", "3,1,2");
        assertThat(r.status()).as(r.toString()).isZero();
        ModelFile f = ModelFile.read(out.resolve("model.xtal"));
        assertThat(f.hyperParameters().get("max_atoms").asInt()).isEqualTo(500);
        JsonNode tc = f.provenance().extra().get("trainConfig");
        assertThat(tc.get("max_atoms_per_batch").asInt()).isEqualTo(7);
        assertThat(tc.get("lr").asDouble()).isEqualTo(0.001);
        assertThat(tc.get("eps") == null ? tc.get("adam_eps").asDouble() : tc.get("eps").asDouble()).isEqualTo(1e-7);
        // --limit: the first rows of each part only
        assertThat(f.provenance().extra().get("trainingSize").asInt()).isEqualTo(3);
        assertThat(f.provenance().extra().get("validationSize").asInt()).isEqualTo(1);
        assertThat(f.provenance().extra().get("testSize").asInt()).isEqualTo(2);
    }

    @Test
    void primitiveCellsLargerThanMaxAtomsAreNotTrainedOn() throws Exception {
        Path out = dir.resolve("oversize");
        Cli.Result r = train(out, "--max-atoms", "1");
        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("no training rows left");
        assertThat(Files.readString(out.resolve("skipped.csv"))).contains("not trained on")
                .contains("the primitive cell has 2 sites");
    }

    @Test
    void maxAtomsAndLimitUsageErrors() {
        Cli.Result r = Cli.run("train", "--model", "sitenet", "--data", data.toString(), "--target", "y",
                "--out", dir.resolve("x").toString(), "--max-atoms", "0");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--max-atoms must be positive");
        Cli.Result l = train(dir.resolve("l"), "--limit", "3,1,1,1");
        assertThat(l.status()).isEqualTo(1);
        assertThat(l.err()).contains("--limit");
        Cli.Result z = train(dir.resolve("z"), "--limit", "0");
        assertThat(z.status()).isEqualTo(1);
        assertThat(z.err()).contains("--limit must be positive");
    }

    @Test
    void limitWithTwoValuesLeavesTheTestPartWhole() throws Exception {
        Path out = dir.resolve("two");
        Cli.Result r = train(out, "--limit", "2,1");
        assertThat(r.status()).as(r.toString()).isZero();
        JsonNode extra = ModelFile.read(out.resolve("model.xtal")).provenance().extra();
        assertThat(extra.get("trainingSize").asInt()).isEqualTo(2);
        assertThat(extra.get("validationSize").asInt()).isEqualTo(1);
        assertThat(extra.get("testSize").asInt()).isEqualTo(2);
    }
}
