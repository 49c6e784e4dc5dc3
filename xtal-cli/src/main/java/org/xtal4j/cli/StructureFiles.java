package org.xtal4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.xtal4j.io.StructureFormat;
import org.xtal4j.io.StructureIO;
import org.xtal4j.structure.Structure;

/** Finds structure files on the command line (folders are searched recursively) and reads them. */
final class StructureFiles {

    /** Compression suffixes the readers undo transparently. */
    private static final List<String> COMPRESSION = List.of(".gz", ".xz");
    /** How much of a .json file is looked at to decide whether it holds structures. */
    private static final int HEAD_BYTES = 8192;
    /** Keys a pymatgen structure dict (or our wrapper object) can start with. */
    private static final Set<String> STRUCTURE_KEYS =
            Set.of("@module", "@class", "@version", "charge", "lattice", "sites", "properties", "structure", "structures");
    private static final JsonFactory JSON = new JsonFactory();

    private StructureFiles() {
    }

    /** The outcome of reading one file: its structures and warnings, or the error. */
    record Loaded(String file, List<Structure> structures, List<String> warnings, Throwable error) {
        boolean ok() {
            return error == null;
        }
    }

    /**
     * The files an argument stands for: a file as given (even if its name is unusual), or the
     * recognised structure files below a folder, sorted by path. An empty list means a folder
     * without structure files.
     */
    static List<Path> expand(Path arg) throws IOException {
        if (!Files.isDirectory(arg)) {
            return List.of(arg); // reading reports a missing file
        }
        try (Stream<Path> walk = Files.walk(arg)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !isHidden(arg, p))
                    .filter(p -> formatForName(p.getFileName().toString()) != null)
                    .filter(StructureFiles::plausible)
                    .sorted()
                    .toList();
        }
    }

    /**
     * Inside folders, a .json file counts only when its start looks like a pymatgen structure:
     * folders of results often hold other JSON (metadata, ground truth) next to structures.
     */
    private static boolean plausible(Path p) {
        StructureFormat f = formatForName(p.getFileName().toString());
        if (!f.name().equals("json")) {
            return true;
        }
        byte[] head = new byte[HEAD_BYTES];
        int n;
        try (InputStream in = Files.newInputStream(p)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return true; // reading it later reports the problem
        }
        boolean compressed = n >= 2 && ((head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b
                || (head[0] & 0xff) == 0xfd && head[1] == '7');
        return compressed || f.looksLike(new String(head, 0, n, StandardCharsets.UTF_8)) && startsLikeStructure(head, n);
    }

    /** The first key of the (first) object is one that pymatgen's Structure.as_dict() starts with. */
    private static boolean startsLikeStructure(byte[] head, int n) {
        try (JsonParser p = JSON.createParser(head, 0, n)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_ARRAY) {
                t = p.nextToken();
            }
            if (t != JsonToken.START_OBJECT || p.nextToken() != JsonToken.FIELD_NAME) {
                return false;
            }
            return STRUCTURE_KEYS.contains(p.currentName());
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads every structure of a file; never throws. */
    static Loaded load(Path file) {
        List<String> warnings = new ArrayList<>();
        String name = file.toString();
        try {
            if (Files.isDirectory(file)) {
                throw new CliFailure(name + ": is a folder");
            }
            List<Structure> structures = StructureIO.read(file, warnings::add);
            if (structures.isEmpty()) {
                throw new CliFailure(name + ": no structures in this file");
            }
            return new Loaded(name, structures, List.copyOf(warnings), null);
        } catch (IOException | RuntimeException e) {
            return new Loaded(name, List.of(), List.copyOf(warnings), e);
        }
    }

    /**
     * The format a file name implies (extension, ignoring .gz/.xz; or a VASP name such as
     * POSCAR or CONTCAR_relaxed), or null.
     */
    static StructureFormat formatForName(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        for (String c : COMPRESSION) {
            if (n.endsWith(c)) {
                n = n.substring(0, n.length() - c.length());
            }
        }
        for (StructureFormat f : StructureIO.formats()) {
            for (String ext : f.extensions()) {
                if (n.endsWith(ext.toLowerCase(Locale.ROOT))) {
                    return f;
                }
            }
        }
        if (n.startsWith("poscar") || n.startsWith("contcar")) {
            return StructureIO.format("poscar");
        }
        return null;
    }

    private static boolean isHidden(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
