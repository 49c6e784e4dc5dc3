package org.xtal4j.nn.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure-Java reader and writer of the safetensors format (https://github.com/huggingface/safetensors):
 * an 8-byte little-endian header length n, n bytes of UTF-8 JSON
 * {@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ..., "__metadata__": {..}}},
 * then the raw little-endian row-major data; offsets are relative to the start of the data section.
 *
 * <p>Reading is strict, like the reference implementation: known dtypes only, no unknown keys, shape ×
 * dtype size = byte length, tensors cover the data section exactly (sorted by offset, no overlap, no
 * gap, no trailing bytes). Every problem is a {@link SafetensorsException} naming the file.
 */
public final class Safetensors {

    /** The header key of the optional string-to-string metadata. */
    public static final String METADATA_KEY = "__metadata__";
    /** Headers larger than this are refused (the reference implementation's limit). */
    public static final long MAX_HEADER = 100L << 20;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Safetensors() {
    }

    // ---------------------------------------------------------------- reading

    /** Reads a whole file; errors name the file. */
    public static NamedTensors read(Path file) throws IOException {
        String source = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new SafetensorsException(source, Files.exists(file) ? "not a regular file" : "no such file");
        }
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 8) {
            throw new SafetensorsException(source, "file of " + size + " bytes is too large (limit 2 GiB)");
        }
        return read(Files.readAllBytes(file), source);
    }

    /** Parses safetensors bytes; {@code source} names them in error messages. Tensors share the array. */
    public static NamedTensors read(byte[] bytes, String source) throws SafetensorsException {
        if (bytes.length < 8) {
            throw new SafetensorsException(source, "only " + bytes.length
                    + " bytes: too short for a safetensors file (8-byte header length first)");
        }
        ByteBuffer all = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = all.getLong(0);
        if (n <= 0 || n > bytes.length - 8L) {
            throw new SafetensorsException(source, "header length " + Long.toUnsignedString(n)
                    + " does not fit in a file of " + bytes.length + " bytes (not a safetensors file?)");
        }
        if (n > MAX_HEADER) {
            throw new SafetensorsException(source, "header of " + n + " bytes exceeds the 100 MiB limit");
        }
        String headerText = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        JsonNode header;
        try {
            header = JSON.readTree(headerText);
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(source, "header is not valid JSON: " + e.getOriginalMessage());
        }
        if (header == null || !header.isObject()) {
            throw new SafetensorsException(source, "header is not a JSON object");
        }
        int dataStart = 8 + (int) n;
        long dataLength = bytes.length - (long) dataStart;

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals(METADATA_KEY)) {
                readMetadata(f.getValue(), metadata, source);
            } else {
                entries.add(parseEntry(f.getKey(), f.getValue(), dataLength, source));
            }
        }
        checkLayout(entries, dataLength, source);

        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            ByteBuffer slice = ByteBuffer.wrap(bytes, dataStart + (int) e.begin, (int) (e.end - e.begin));
            tensors.put(e.name, HostTensor.of(e.dtype, e.shape, slice));
        }
        return new NamedTensors(tensors, metadata, source);
    }

    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {
    }

    private static void readMetadata(JsonNode node, Map<String, String> out, String source)
            throws SafetensorsException {
        if (!node.isObject()) {
            throw new SafetensorsException(source, METADATA_KEY + " is not a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isTextual()) {
                throw new SafetensorsException(source, METADATA_KEY + " value of '" + f.getKey()
                        + "' is not a string");
            }
            out.put(f.getKey(), f.getValue().asText());
        }
    }

    private static Entry parseEntry(String name, JsonNode node, long dataLength, String source)
            throws SafetensorsException {
        String what = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw new SafetensorsException(source, what + ": header entry is not a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw new SafetensorsException(source, what + ": unknown key '" + key + "'");
            }
        }
        JsonNode dt = node.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new SafetensorsException(source, what + ": missing or non-string dtype");
        }
        DType dtype = DType.fromName(dt.asText());
        if (dtype == null || !dtype.name().equals(dt.asText())) {
            throw new SafetensorsException(source, what + ": unsupported dtype '" + dt.asText()
                    + "' (known: " + Arrays.toString(DType.values()) + ")");
        }
        long[] shape = longs(node.get("shape"), what + ": shape", -1, source);
        long[] offsets = longs(node.get("data_offsets"), what + ": data_offsets", 2, source);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new SafetensorsException(source, what + ": data_offsets [" + begin + ", " + end
                    + "] end before they begin");
        }
        if (end > dataLength) {
            throw new SafetensorsException(source, what + ": data_offsets [" + begin + ", " + end
                    + "] run past the end of the data (" + dataLength + " bytes)");
        }
        long needed;
        try {
            needed = HostTensor.byteSize(dtype, shape);
        } catch (ArithmeticException e) {
            throw new SafetensorsException(source, what + ": shape " + Arrays.toString(shape) + " is too large");
        }
        if (needed != end - begin) {
            throw new SafetensorsException(source, what + ": " + dtype + " shape " + Arrays.toString(shape)
                    + " needs " + needed + " bytes but data_offsets [" + begin + ", " + end + "] give "
                    + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static long[] longs(JsonNode node, String what, int length, String source)
            throws SafetensorsException {
        if (node == null || !node.isArray()) {
            throw new SafetensorsException(source, what + " is missing or not a JSON array");
        }
        if (length >= 0 && node.size() != length) {
            throw new SafetensorsException(source, what + " must have " + length + " entries, has " + node.size());
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                throw new SafetensorsException(source, what + " entry " + v + " is not a non-negative integer");
            }
            out[i] = v.asLong();
        }
        return out;
    }

    /** Tensors must tile [0, dataLength) exactly: sorted by offset, no overlap, no gap. */
    private static void checkLayout(List<Entry> entries, long dataLength, String source)
            throws SafetensorsException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin < expected) {
                throw new SafetensorsException(source, "tensors '" + previous.name + "' [" + previous.begin + ", "
                        + previous.end + ") and '" + e.name + "' [" + e.begin + ", " + e.end + ") overlap");
            }
            if (e.begin > expected) {
                throw new SafetensorsException(source, (e.begin - expected) + " unused bytes before tensor '"
                        + e.name + "' at offset " + e.begin);
            }
            expected = e.end;
            previous = e;
        }
        if (expected != dataLength) {
            throw new SafetensorsException(source, "the data section has " + dataLength
                    + " bytes but the tensors cover " + expected + " (truncated or trailing bytes)");
        }
    }

    // ---------------------------------------------------------------- writing

    /** Writes atomically (temporary file in the same folder, then rename). */
    public static void write(Path file, NamedTensors tensors) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                write(out, tensors);
            }
            moveAtomically(tmp, file);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The bytes of a safetensors file. */
    public static byte[] toBytes(NamedTensors tensors) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(out, tensors);
        } catch (IOException e) {
            throw new IllegalStateException(e); // cannot happen for a byte array
        }
        return out.toByteArray();
    }

    /**
     * Writes the safetensors bytes. Tensors are stored by decreasing element size, then by name (as the
     * reference writer does), so every tensor starts aligned to its element size; the header is padded
     * with spaces to a multiple of 8 bytes. Any dtype can be written; the stream is not closed.
     */
    public static void write(OutputStream out, NamedTensors tensors) throws IOException {
        List<Map.Entry<String, HostTensor>> order = new ArrayList<>(tensors.tensors().entrySet());
        order.sort(Comparator.<Map.Entry<String, HostTensor>>comparingInt(e -> -e.getValue().dtype().size())
                .thenComparing(Map.Entry::getKey));
        ObjectNode header = JSON.createObjectNode();
        if (!tensors.metadata().isEmpty()) {
            ObjectNode meta = header.putObject(METADATA_KEY);
            tensors.metadata().forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, HostTensor> e : order) {
            HostTensor t = e.getValue();
            ObjectNode o = header.putObject(e.getKey());
            o.put("dtype", t.dtype().name());
            ArrayNode shape = o.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            ArrayNode offs = o.putArray("data_offsets");
            offs.add(offset);
            offset += t.byteSize();
            offs.add(offset);
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        out.write(prefix.array());
        out.write(json);
        for (int i = json.length; i < padded; i++) {
            out.write(' ');
        }
        byte[] chunk = new byte[1 << 16];
        for (Map.Entry<String, HostTensor> e : order) {
            ByteBuffer data = e.getValue().data();
            while (data.hasRemaining()) {
                int n = Math.min(chunk.length, data.remaining());
                data.get(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        }
    }

    static void moveAtomically(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
