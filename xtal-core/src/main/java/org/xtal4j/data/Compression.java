package org.xtal4j.data;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Opens plain, gzip or xz files as streams, chosen by the magic bytes (not the name), so a data set
 * is read as it is decompressed rather than first expanded into one large string.
 */
final class Compression {

    private static final int BUFFER = 1 << 16;

    private Compression() {
    }

    /** A decompressing stream over the file. */
    static InputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "not a readable file");
        }
        InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        try {
            in.mark(6);
            byte[] magic = in.readNBytes(6);
            in.reset();
            if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
                return new BufferedInputStream(new GZIPInputStream(in, BUFFER), BUFFER);
            }
            if (magic.length == 6 && (magic[0] & 0xff) == 0xfd && magic[1] == '7' && magic[2] == 'z'
                    && magic[3] == 'X' && magic[4] == 'Z' && magic[5] == 0) {
                return new BufferedInputStream(new XZInputStream(in), BUFFER);
            }
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** A UTF-8 reader over the decompressed file, with a leading byte-order mark removed. */
    static BufferedReader reader(Path file) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(open(file), StandardCharsets.UTF_8), BUFFER);
        r.mark(1);
        if (r.read() != '\uFEFF') {
            r.reset();
        }
        return r;
    }

    /** The file name without a trailing {@code .gz} / {@code .xz}, lower case: tells the form. */
    static String plainName(Path file) {
        Path name = file.getFileName();
        String n = name == null ? "" : name.toString().toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".gz") || n.endsWith(".xz")) {
            n = n.substring(0, n.length() - 3);
        }
        return n;
    }
}
