package org.xtal4j.nn.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.xtal4j.nn.io.NamedTensors;
import org.xtal4j.nn.io.Safetensors;
import org.xtal4j.nn.io.SafetensorsException;
import org.xtal4j.structure.Element;

/**
 * A self-describing trained model: one zip file (extension {@code .xtal}) with
 * <ul>
 *   <li>{@code xtal-model.json}: {@code {"format": "xtal4j-model", "formatVersion": 1}} (identifies the file);</li>
 *   <li>{@code config.json}: {@code {"model": "crystalformer", "hyperParameters": {...}}};</li>
 *   <li>{@code weights.safetensors}: the parameters by name (the model's reference names);</li>
 *   <li>{@code normalisation.json}: per-target name, unit, mean, std (and optional per-element offsets);</li>
 *   <li>{@code elements.json}: {@code {"elements": ["H", "He", ...]}}, the element vocabulary the model accepts;</li>
 *   <li>{@code provenance.json}: data set, split, seed, git commit, metrics, creation time, version, command line.</li>
 * </ul>
 * Model-agnostic: it knows nothing of a model's insides; a {@link ModelPlugin} interprets the
 * hyper-parameters and weights. Writing is atomic (temporary file, then rename); reading validates every
 * entry and reports problems as {@link ModelFileException} naming the file.
 */
public final class ModelFile {

    public static final String EXTENSION = ".xtal";
    public static final String FORMAT = "xtal4j-model";
    public static final int FORMAT_VERSION = 1;

    static final String MANIFEST = "xtal-model.json";
    static final String CONFIG = "config.json";
    static final String WEIGHTS = "weights.safetensors";
    static final String NORMALISATION = "normalisation.json";
    static final String ELEMENTS = "elements.json";
    static final String PROVENANCE = "provenance.json";
    private static final List<String> ENTRIES = List.of(MANIFEST, CONFIG, WEIGHTS, NORMALISATION, ELEMENTS,
            PROVENANCE);
    private static final long MAX_ENTRY = Integer.MAX_VALUE - 64;
    private static final long ZIP_TIME = 315_532_800_000L + 86_400_000L; // 1980-01-02, for reproducible zips

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final String modelType;
    private final ObjectNode hyperParameters;
    private final NamedTensors weights;
    private final Normalisation normalisation;
    private final List<String> elements;
    private final Provenance provenance;

    public ModelFile(String modelType, ObjectNode hyperParameters, NamedTensors weights,
                     Normalisation normalisation, List<String> elements, Provenance provenance) {
        if (modelType == null || modelType.isBlank()) {
            throw new IllegalArgumentException("model type is empty");
        }
        this.modelType = modelType;
        this.hyperParameters = Objects.requireNonNull(hyperParameters, "hyperParameters").deepCopy();
        this.weights = Objects.requireNonNull(weights, "weights");
        this.normalisation = Objects.requireNonNull(normalisation, "normalisation");
        this.elements = List.copyOf(elements);
        for (String e : this.elements) {
            if (Element.lookup(e).filter(x -> x.symbol().equals(e)).isEmpty()) {
                throw new IllegalArgumentException("unknown element symbol '" + e + "'");
            }
        }
        if (this.elements.stream().distinct().count() != this.elements.size()) {
            throw new IllegalArgumentException("element list has duplicates: " + this.elements);
        }
        this.provenance = Objects.requireNonNull(provenance, "provenance");
    }

    /** The plugin name, e.g. "crystalformer". */
    public String modelType() {
        return modelType;
    }

    /** The model's hyper-parameters (a copy). */
    public ObjectNode hyperParameters() {
        return hyperParameters.deepCopy();
    }

    public NamedTensors weights() {
        return weights;
    }

    public Normalisation normalisation() {
        return normalisation;
    }

    /** Element symbols the model accepts (its embedding vocabulary), in the model's order. */
    public List<String> elements() {
        return elements;
    }

    public Provenance provenance() {
        return provenance;
    }

    public ModelFile withProvenance(Provenance p) {
        return new ModelFile(modelType, hyperParameters, weights, normalisation, elements, p);
    }

    public ModelFile withWeights(NamedTensors w) {
        return new ModelFile(modelType, hyperParameters, w, normalisation, elements, provenance);
    }

    // ---------------------------------------------------------------- writing

    /** Writes atomically: a temporary file in the target folder, then ATOMIC_MOVE over the target. */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                write(out);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes the zip to a stream (not closed). The same content gives the same bytes. */
    public void write(OutputStream stream) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(stream);
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format", FORMAT);
        manifest.put("formatVersion", FORMAT_VERSION);
        put(zip, MANIFEST, JSON.writeValueAsBytes(manifest));
        ObjectNode config = JSON.createObjectNode();
        config.put("model", modelType);
        config.set("hyperParameters", hyperParameters.deepCopy());
        put(zip, CONFIG, JSON.writeValueAsBytes(config));
        put(zip, WEIGHTS, Safetensors.toBytes(weights));
        put(zip, NORMALISATION, JSON.writeValueAsBytes(normalisationJson(normalisation)));
        ObjectNode el = JSON.createObjectNode();
        ArrayNode arr = el.putArray("elements");
        elements.forEach(arr::add);
        put(zip, ELEMENTS, JSON.writeValueAsBytes(el));
        put(zip, PROVENANCE, JSON.writeValueAsBytes(provenanceJson(provenance)));
        zip.finish();
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTime(ZIP_TIME);
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }

    // ---------------------------------------------------------------- reading

    /** Reads and validates a model file; every problem is a {@link ModelFileException} naming the file. */
    public static ModelFile read(Path file) throws IOException {
        String source = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new ModelFileException(source, Files.exists(file) ? "not a regular file" : "no such file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, source);
        }
    }

    /** Reads a model file from a stream (e.g. a class-path resource); {@code source} names it in errors. */
    public static ModelFile read(InputStream stream, String source) throws IOException {
        byte[] all = stream.readAllBytes();
        if (all.length < 4 || all[0] != 'P' || all[1] != 'K' || all[2] != 3 || all[3] != 4) {
            throw new ModelFileException(source, "not an xtal4j model file (not a zip archive)");
        }
        if (!hasEndOfCentralDirectory(all)) {
            throw new ModelFileException(source, "damaged zip archive: truncated (no end-of-central-directory record)");
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(all))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.isDirectory()) {
                    continue;
                }
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                byte[] chunk = new byte[1 << 16];
                long total = 0;
                for (int n; (n = zip.read(chunk)) > 0; ) {
                    total += n;
                    if (total > MAX_ENTRY) {
                        throw new ModelFileException(source, "entry '" + e.getName() + "' is larger than 2 GiB");
                    }
                    buf.write(chunk, 0, n);
                }
                if (entries.put(e.getName(), buf.toByteArray()) != null) {
                    throw new ModelFileException(source, "entry '" + e.getName() + "' appears twice");
                }
            }
        } catch (ZipException | java.io.EOFException e) {
            throw new ModelFileException(source, "damaged zip archive: " + e.getMessage(), e);
        }
        if (!entries.containsKey(MANIFEST)) {
            throw new ModelFileException(source, "not an xtal4j model file (no " + MANIFEST + " entry; it has "
                    + new ArrayList<>(entries.keySet()) + ")");
        }
        JsonNode manifest = json(entries, MANIFEST, source);
        if (!FORMAT.equals(manifest.path("format").asText())) {
            throw new ModelFileException(source, "not an xtal4j model file (" + MANIFEST + " says format '"
                    + manifest.path("format").asText() + "')");
        }
        JsonNode v = manifest.get("formatVersion");
        if (v == null || !v.isInt() || v.asInt() < 1) {
            throw new ModelFileException(source, MANIFEST + ": formatVersion must be a positive integer, got " + v);
        }
        if (v.asInt() > FORMAT_VERSION) {
            throw new ModelFileException(source, "model file format version " + v.asInt()
                    + " is newer than this xtal4j reads (" + FORMAT_VERSION + "); use a newer xtal4j");
        }
        for (String name : ENTRIES) {
            if (!entries.containsKey(name)) {
                throw new ModelFileException(source, "missing entry '" + name + "'");
            }
        }
        try {
            JsonNode config = json(entries, CONFIG, source);
            String model = text(config, "model", CONFIG, source);
            JsonNode hp = config.get("hyperParameters");
            if (hp == null || !hp.isObject()) {
                throw new ModelFileException(source, CONFIG + ": 'hyperParameters' must be a JSON object");
            }
            NamedTensors weights;
            try {
                weights = Safetensors.read(entries.get(WEIGHTS), source + "!" + WEIGHTS);
            } catch (SafetensorsException e) {
                throw new ModelFileException(source, "bad " + WEIGHTS + ": " + e.getMessage(), e);
            }
            Normalisation norm = parseNormalisation(json(entries, NORMALISATION, source), source);
            JsonNode el = json(entries, ELEMENTS, source).get("elements");
            if (el == null || !el.isArray()) {
                throw new ModelFileException(source, ELEMENTS + ": 'elements' must be a JSON array of symbols");
            }
            List<String> elements = new ArrayList<>();
            for (JsonNode e : el) {
                if (!e.isTextual()) {
                    throw new ModelFileException(source, ELEMENTS + ": " + e + " is not an element symbol");
                }
                elements.add(e.asText());
            }
            Provenance prov = parseProvenance(json(entries, PROVENANCE, source), source);
            return new ModelFile(model, (ObjectNode) hp, weights, norm, elements, prov);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(source, e.getMessage(), e);
        }
    }

    /** A complete zip ends with the EOCD record "PK\5\6" within its last 22 + 65535 (comment) bytes. */
    private static boolean hasEndOfCentralDirectory(byte[] b) {
        int stop = Math.max(0, b.length - 22 - 65535);
        for (int i = b.length - 22; i >= stop; i--) {
            if (b[i] == 'P' && b[i + 1] == 'K' && b[i + 2] == 5 && b[i + 3] == 6) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode json(Map<String, byte[]> entries, String name, String source)
            throws ModelFileException {
        try {
            JsonNode n = JSON.readTree(entries.get(name));
            if (n == null || !n.isObject()) {
                throw new ModelFileException(source, name + ": not a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new ModelFileException(source, name + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ModelFileException(source, name + ": " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String key, String entry, String source) throws ModelFileException {
        JsonNode v = node.get(key);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new ModelFileException(source, entry + ": '" + key + "' must be a non-empty string");
        }
        return v.asText();
    }

    // ---------------------------------------------------------------- JSON of the parts

    static ObjectNode normalisationJson(Normalisation n) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode arr = root.putArray("targets");
        for (Normalisation.Target t : n.targets()) {
            ObjectNode o = arr.addObject();
            o.put("name", t.name());
            o.put("unit", t.unit());
            o.put("mean", t.mean());
            o.put("std", t.std());
            if (!t.elementOffsets().isEmpty()) {
                ObjectNode off = o.putObject("elementOffsets");
                t.elementOffsets().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(e -> off.put(e.getKey(), e.getValue()));
            }
        }
        return root;
    }

    static Normalisation parseNormalisation(JsonNode root, String source) throws ModelFileException {
        JsonNode arr = root.get("targets");
        if (arr == null || !arr.isArray()) {
            throw new ModelFileException(source, NORMALISATION + ": 'targets' must be a JSON array");
        }
        List<Normalisation.Target> targets = new ArrayList<>();
        for (JsonNode t : arr) {
            String name = text(t, "name", NORMALISATION, source);
            Map<String, Double> offsets = new LinkedHashMap<>();
            JsonNode off = t.get("elementOffsets");
            if (off != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = off.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    offsets.put(e.getKey(), number(e.getValue(), "elementOffsets." + e.getKey(), name, source));
                }
            }
            targets.add(new Normalisation.Target(name, t.path("unit").asText(""),
                    number(t.get("mean"), "mean", name, source), number(t.get("std"), "std", name, source), offsets));
        }
        return new Normalisation(targets);
    }

    private static double number(JsonNode v, String key, String target, String source) throws ModelFileException {
        if (v == null || !v.isNumber()) {
            throw new ModelFileException(source, NORMALISATION + ": target '" + target + "': '" + key
                    + "' must be a number");
        }
        return v.asDouble();
    }

    static ObjectNode provenanceJson(Provenance p) {
        ObjectNode o = JSON.createObjectNode();
        o.put("dataset", p.dataset());
        o.put("split", p.split());
        if (p.seed() == null) {
            o.putNull("seed");
        } else {
            o.put("seed", p.seed());
        }
        o.put("gitCommit", p.gitCommit());
        ObjectNode m = o.putObject("metrics");
        // an undefined metric (e.g. R² of a constant target) is NaN: JSON has no NaN, so it is written as null
        p.metrics().forEach((k, v) -> {
            if (Double.isFinite(v)) {
                m.put(k, v);
            } else {
                m.putNull(k);
            }
        });
        o.put("created", p.created() == null ? null : p.created().toString());
        o.put("xtal4jVersion", p.xtal4jVersion());
        ArrayNode cmd = o.putArray("commandLine");
        p.commandLine().forEach(cmd::add);
        o.set("extra", p.extra());
        return o;
    }

    static Provenance parseProvenance(JsonNode o, String source) throws ModelFileException {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.path("metrics").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                metrics.put(e.getKey(), Double.NaN); // undefined when the model was written
                continue;
            }
            if (!e.getValue().isNumber()) {
                throw new ModelFileException(source, PROVENANCE + ": metric '" + e.getKey() + "' is not a number");
            }
            metrics.put(e.getKey(), e.getValue().asDouble());
        }
        Instant created = null;
        String c = textOrNull(o, "created");
        if (c != null) {
            try {
                created = Instant.parse(c);
            } catch (DateTimeParseException e) {
                throw new ModelFileException(source, PROVENANCE + ": 'created' is not an ISO-8601 instant: " + c);
            }
        }
        List<String> cmd = new ArrayList<>();
        o.path("commandLine").forEach(a -> cmd.add(a.asText()));
        JsonNode seed = o.get("seed");
        JsonNode extra = o.get("extra");
        return new Provenance(textOrNull(o, "dataset"), textOrNull(o, "split"),
                seed == null || seed.isNull() ? null : seed.asLong(), textOrNull(o, "gitCommit"), metrics, created,
                textOrNull(o, "xtal4jVersion"), cmd, extra instanceof ObjectNode ? (ObjectNode) extra : null);
    }

    private static String textOrNull(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    @Override
    public String toString() {
        return modelType + " model (" + weights.size() + " weight tensors, targets " + normalisation.names() + ")";
    }
}
