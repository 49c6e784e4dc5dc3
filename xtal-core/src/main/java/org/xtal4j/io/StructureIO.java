package org.xtal4j.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;
import org.xtal4j.io.cif.CifFormat;
import org.xtal4j.io.extxyz.ExtXyzFormat;
import org.xtal4j.io.json.PymatgenJsonFormat;
import org.xtal4j.io.poscar.PoscarFormat;
import org.xtal4j.structure.Structure;

/**
 * Entry point for reading and writing structure files: format lookup by name, detection by file
 * name and content, transparent gzip/xz decompression, and atomic writes.
 *
 * <p>Detection order: the extension (after stripping {@code .gz}/{@code .xz}), then VASP's file
 * names ({@code POSCAR*}, {@code CONTCAR*}), then each format's {@link StructureFormat#looksLike}
 * in the order cif, json, extxyz, poscar.
 */
public final class StructureIO {

    /** How much of a file {@link #detect} looks at when sniffing content. */
    private static final int HEAD_CHARS = 8192;

    private static final List<StructureFormat> FORMATS = List.of(
            new CifFormat(), new PoscarFormat(), new ExtXyzFormat(), new PymatgenJsonFormat());

    /** Sniffing order: the most distinctive signatures first. */
    private static final List<String> SNIFF_ORDER = List.of("cif", "json", "extxyz", "poscar");

    private StructureIO() {
    }

    /** All formats: cif, poscar, extxyz, json. */
    public static List<StructureFormat> formats() {
        return FORMATS;
    }

    /** The format with this name (case-insensitive). */
    public static StructureFormat format(String name) {
        for (StructureFormat f : FORMATS) {
            if (f.name().equalsIgnoreCase(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown structure format '" + name + "'; known formats: " + names());
    }

    /**
     * The format of a file, from its name (extension without .gz/.xz, or POSCAR/CONTCAR) or else
     * from the first KB of its content.
     *
     * @throws StructureParseException when neither says anything
     */
    public static StructureFormat detect(String fileName, String head) {
        String name = baseName(fileName).toLowerCase(Locale.ROOT);
        name = stripCompression(name);
        for (StructureFormat f : FORMATS) {
            for (String ext : f.extensions()) {
                if (name.endsWith(ext)) {
                    return f;
                }
            }
        }
        if (name.startsWith("poscar") || name.startsWith("contcar")) {
            return format("poscar");
        }
        String h = head == null ? "" : head.length() > HEAD_CHARS ? head.substring(0, HEAD_CHARS) : head;
        for (String n : SNIFF_ORDER) {
            StructureFormat f = format(n);
            if (f.looksLike(h)) {
                return f;
            }
        }
        List<String> exts = new ArrayList<>();
        FORMATS.forEach(f -> exts.addAll(f.extensions()));
        throw new StructureParseException(fileName, 0, "cannot tell the structure format from the name or the content;"
                + " known extensions: " + String.join(" ", exts) + " (optionally .gz/.xz), or POSCAR/CONTCAR");
    }

    /**
     * The text of a file, decompressed when it starts with the gzip or xz magic bytes (whatever its
     * name), decoded as UTF-8 or, when that fails, ISO-8859-1. A leading byte-order mark is dropped.
     *
     * @throws StructureParseException when the content looks binary
     */
    public static String readText(Path file) throws IOException {
        String source = file.toString();
        byte[] bytes = Files.readAllBytes(file);
        try {
            bytes = decompress(bytes);
        } catch (IOException e) {
            throw new StructureParseException(source, 0, "compressed data is damaged: " + e.getMessage(), e);
        }
        String text = decode(bytes);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (looksBinary(text)) {
            throw new StructureParseException(source, 0, "the file looks binary (many NUL or control bytes),"
                    + " not a text structure file");
        }
        return text;
    }

    /** Reads every structure in a file; warnings go to System.err. */
    public static List<Structure> read(Path file) throws IOException {
        return read(file, System.err::println);
    }

    /** Reads every structure in a file, format by name or content. */
    public static List<Structure> read(Path file, Consumer<String> warnings) throws IOException {
        String text = readText(file);
        StructureFormat f = detect(file.getFileName() == null ? file.toString() : file.getFileName().toString(), text);
        return parse(text, file.toString(), f, warnings);
    }

    /** Parses text in a given format. */
    public static List<Structure> parse(String text, String source, StructureFormat format, Consumer<String> warnings) {
        return format.read(text, source, warnings == null ? w -> { } : warnings);
    }

    /** Writes structures in the format given by the file name; gzip when the name ends in .gz, xz for .xz. */
    public static void write(Path file, List<Structure> structures) throws IOException {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        StructureFormat f;
        try {
            f = detect(name, null);
        } catch (StructureParseException e) {
            throw new IllegalArgumentException("cannot tell the output format from the name '" + name
                    + "'; use an extension such as .cif, .vasp, .extxyz or .json");
        }
        write(file, structures, f);
    }

    /**
     * Writes structures in a given format, atomically: to a temporary file in the same folder,
     * then renamed over the target, so readers never see a half-written file.
     */
    public static void write(Path file, List<Structure> structures, StructureFormat format) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        String lower = abs.getFileName().toString().toLowerCase(Locale.ROOT);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        try {
            try (OutputStream raw = Files.newOutputStream(tmp);
                    OutputStream os = lower.endsWith(".gz") ? new GZIPOutputStream(raw)
                            : lower.endsWith(".xz") ? new XZOutputStream(raw, new LZMA2Options()) : raw;
                    Writer w = new OutputStreamWriter(os, StandardCharsets.UTF_8)) {
                format.write(structures, w);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static byte[] decompress(byte[] b) throws IOException {
        InputStream in;
        if (b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b) {
            in = new GZIPInputStream(new ByteArrayInputStream(b));
        } else if (b.length >= 6 && (b[0] & 0xff) == 0xfd && b[1] == '7' && b[2] == 'z' && b[3] == 'X' && b[4] == 'Z'
                && b[5] == 0) {
            in = new XZInputStream(new ByteArrayInputStream(b));
        } else {
            return b;
        }
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(b.length * 4);
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    private static String decode(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
    }

    /** A NUL, or more than 5 % control characters (other than tab, CR, LF, FF) in the first 8 KB. */
    static boolean looksBinary(String text) {
        int n = Math.min(text.length(), HEAD_CHARS);
        int control = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return true;
            }
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || (c >= 0x7f && c < 0xa0)) {
                control++;
            }
        }
        return n > 0 && control > 0.05 * n;
    }

    private static String baseName(String fileName) {
        if (fileName == null) {
            return "";
        }
        int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
        return fileName.substring(slash + 1);
    }

    private static String stripCompression(String name) {
        if (name.endsWith(".gz")) {
            return name.substring(0, name.length() - 3);
        }
        if (name.endsWith(".xz")) {
            return name.substring(0, name.length() - 3);
        }
        return name;
    }

    private static String names() {
        List<String> n = new ArrayList<>();
        FORMATS.forEach(f -> n.add(f.name()));
        return String.join(", ", n);
    }
}
