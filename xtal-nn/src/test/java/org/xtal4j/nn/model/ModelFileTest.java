package org.xtal4j.nn.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.nn.io.HostTensor;
import org.xtal4j.nn.io.NamedTensors;

class ModelFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static ModelFile sample() {
        ObjectNode hp = JSON.createObjectNode();
        hp.put("num_layers", 4);
        hp.put("lr", 5e-4);
        hp.putArray("embedding_dim").add(128);
        hp.put("domain", "real");
        Map<String, HostTensor> w = new LinkedHashMap<>();
        w.put("input_embeddings.weight", HostTensor.ofFloats(new float[] {0.1f, -0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, 3, 2));
        w.put("mlp.3.bias", HostTensor.ofFloats(new float[] {0.25f}, 1));
        w.put("swa.n_averaged", HostTensor.ofLongs(new long[] {50}));
        Normalisation norm = new Normalisation(List.of(
                new Normalisation.Target("e_form", "eV/atom", -1.284, 1.2357),
                new Normalisation.Target("energy", "eV", 0.5, 2.0, Map.of("H", -13.6, "O", -432.1))));
        Provenance prov = new Provenance("megnet", "train:0.8/val:0.1/test:0.1", 123L, "0123abcd",
                Map.of("val_mae_e_form", 0.031), Instant.parse("2026-11-22T01:00:00Z"), "0.1.0-SNAPSHOT",
                List.of("train", "--model", "crystalformer"), JSON.createObjectNode().put("epochs", 500));
        return new ModelFile("crystalformer", hp, new NamedTensors(w), norm, List.of("H", "O", "Fe"), prov);
    }

    @Test
    void roundTripKeepsEveryPart() throws Exception {
        ModelFile m = sample();
        Path f = dir.resolve("model.xtal");
        m.write(f);
        ModelFile back = ModelFile.read(f);
        assertThat(back.modelType()).isEqualTo("crystalformer");
        assertThat(back.hyperParameters()).isEqualTo(m.hyperParameters());
        assertThat(back.hyperParameters().get("lr").asDouble()).isEqualTo(5e-4);
        assertThat(back.weights()).isEqualTo(m.weights());
        assertThat(back.weights().get("input_embeddings.weight").shape()).containsExactly(3, 2);
        assertThat(back.normalisation()).isEqualTo(m.normalisation());
        assertThat(back.normalisation().target("energy").elementOffsets()).containsEntry("O", -432.1);
        assertThat(back.normalisation().target("e_form").denormalise(1.0)).isEqualTo(-1.284 + 1.2357);
        assertThat(back.elements()).containsExactly("H", "O", "Fe");
        assertThat(back.provenance()).isEqualTo(m.provenance());
        assertThat(back.provenance().extra().get("epochs").asInt()).isEqualTo(500);
        // the zip holds exactly the documented entries, manifest first
        assertThat(entryNames(Files.readAllBytes(f))).containsExactly("xtal-model.json", "config.json",
                "weights.safetensors", "normalisation.json", "elements.json", "provenance.json");
        // deterministic bytes
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        back.write(a);
        assertThat(a.toByteArray()).isEqualTo(Files.readAllBytes(f));
    }

    @Test
    void writeIsAtomicAndReplacesAnOldFile() throws Exception {
        Path f = dir.resolve("m.xtal");
        Files.writeString(f, "old content");
        sample().write(f);
        assertThat(ModelFile.read(f).modelType()).isEqualTo("crystalformer");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("m.xtal");
        }
    }

    @Test
    void undefinedMetricsSurviveARoundTrip() throws Exception {
        // R² of a constant validation target is NaN; the file must still be readable
        Provenance p0 = sample().provenance();
        Provenance nan = new Provenance(p0.dataset(), p0.split(), p0.seed(), p0.gitCommit(),
                Map.of("val_r2_e_form", Double.NaN, "val_mae_e_form", 0.031), p0.created(), p0.xtal4jVersion(),
                p0.commandLine(), p0.extra());
        Path f = dir.resolve("nan.xtal");
        sample().withProvenance(nan).write(f);
        Map<String, Double> metrics = ModelFile.read(f).provenance().metrics();
        assertThat(metrics.get("val_r2_e_form")).isNaN();
        assertThat(metrics.get("val_mae_e_form")).isEqualTo(0.031);
    }

    @Test
    void unknownProvenanceFieldsMayBeNull() throws Exception {
        ModelFile m = sample().withProvenance(new Provenance(null, null, null, null, null, null, null, null, null));
        Path f = dir.resolve("n.xtal");
        m.write(f);
        Provenance p = ModelFile.read(f).provenance();
        assertThat(p.dataset()).isNull();
        assertThat(p.seed()).isNull();
        assertThat(p.created()).isNull();
        assertThat(p.metrics()).isEmpty();
        assertThat(Provenance.now().created()).isNotNull();
    }

    @Test
    void errorsNameTheFileAndTheProblem() throws Exception {
        Path missing = dir.resolve("none.xtal");
        expect(missing, "no such file");

        Path text = dir.resolve("text.xtal");
        Files.writeString(text, "hello, I am not a zip");
        expect(text, "not an xtal4j model file (not a zip archive)");

        Path otherZip = dir.resolve("other.xtal");
        Files.write(otherZip, zip(Map.of("readme.txt", "hi")));
        expect(otherZip, "not an xtal4j model file (no xtal-model.json entry; it has [readme.txt])");

        Path whole = dir.resolve("whole.xtal");
        sample().write(whole);
        byte[] bytes = Files.readAllBytes(whole);
        Path truncated = dir.resolve("truncated.xtal");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        expect(truncated, "damaged zip archive");

        expect(edited("v2.xtal", e -> {
            e.put("xtal-model.json", "{\"format\":\"xtal4j-model\",\"formatVersion\":2}");
            return e;
        }), "model file format version 2 is newer than this xtal4j reads (1)");
        expect(edited("v0.xtal", e -> {
            e.put("xtal-model.json", "{\"format\":\"xtal4j-model\",\"formatVersion\":\"one\"}");
            return e;
        }), "formatVersion must be a positive integer");
        expect(edited("fmt.xtal", e -> {
            e.put("xtal-model.json", "{\"format\":\"something-else\",\"formatVersion\":1}");
            return e;
        }), "not an xtal4j model file (xtal-model.json says format 'something-else')");
        expect(edited("noweights.xtal", e -> {
            e.remove("weights.safetensors");
            return e;
        }), "missing entry 'weights.safetensors'");
        expect(edited("badjson.xtal", e -> {
            e.put("config.json", "{\"model\": \"x\", ");
            return e;
        }), "config.json: not valid JSON");
        expect(edited("nomodel.xtal", e -> {
            e.put("config.json", "{\"hyperParameters\": {}}");
            return e;
        }), "config.json: 'model' must be a non-empty string");
        expect(edited("badweights.xtal", e -> {
            e.put("weights.safetensors", "garbage!");
            return e;
        }), "bad weights.safetensors: ");
        expect(edited("element.xtal", e -> {
            e.put("elements.json", "{\"elements\": [\"H\", \"Xx\"]}");
            return e;
        }), "unknown element symbol 'Xx'");
        expect(edited("std.xtal", e -> {
            e.put("normalisation.json", "{\"targets\": [{\"name\": \"e\", \"mean\": 0, \"std\": 0}]}");
            return e;
        }), "target 'e': mean 0.0 and std 0.0 must be finite with std > 0");
        expect(edited("mean.xtal", e -> {
            e.put("normalisation.json", "{\"targets\": [{\"name\": \"e\", \"std\": 1}]}");
            return e;
        }), "normalisation.json: target 'e': 'mean' must be a number");
        expect(edited("created.xtal", e -> {
            e.put("provenance.json", "{\"created\": \"yesterday\"}");
            return e;
        }), "provenance.json: 'created' is not an ISO-8601 instant: yesterday");
    }

    // ---------------------------------------------------------------- helpers

    private void expect(Path f, String message) {
        assertThatThrownBy(() -> ModelFile.read(f)).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(f + ": ").hasMessageContaining(message);
    }

    /** sample() written, its entries edited as text, zipped again. */
    private Path edited(String name, UnaryOperator<Map<String, String>> edit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sample().write(out);
        Map<String, String> entries = new LinkedHashMap<>();
        Map<String, byte[]> raw = new LinkedHashMap<>();
        try (ZipInputStream z = new ZipInputStream(new java.io.ByteArrayInputStream(out.toByteArray()))) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                raw.put(e.getName(), z.readAllBytes());
            }
        }
        raw.forEach((k, v) -> entries.put(k, new String(v, StandardCharsets.ISO_8859_1)));
        Path f = dir.resolve(name);
        Files.write(f, zip(edit.apply(entries)));
        return f;
    }

    private static byte[] zip(Map<String, String> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue().getBytes(StandardCharsets.ISO_8859_1));
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static List<String> entryNames(byte[] zip) throws IOException {
        List<String> names = new java.util.ArrayList<>();
        try (ZipInputStream z = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                names.add(e.getName());
            }
        }
        return names;
    }
}
