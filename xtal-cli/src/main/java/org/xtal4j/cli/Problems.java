package org.xtal4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.xtal4j.io.StructureParseException;

/** Turns exceptions into the one-line {@code file:line: problem} messages the CLI prints. */
final class Problems {

    private Problems() {
    }

    /** A problem with no file of its own (the message names one if it knows it). */
    static String describe(Throwable e) {
        return describe(e, null);
    }

    /**
     * @param file the file being processed, prefixed unless the message already names a source
     */
    static String describe(Throwable e, String file) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            return describe(u.getCause(), file);
        }
        if (e instanceof StructureParseException || e instanceof CliFailure) {
            return e.getMessage();
        }
        String text;
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file or folder";
        } else if (e instanceof AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        } else if (e instanceof NotDirectoryException n) {
            return n.getFile() + ": not a folder";
        } else if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : e.getClass().getSimpleName());
        } else if (e instanceof IOException) {
            text = e.getMessage() != null ? e.getMessage() : "input/output error";
        } else if (e instanceof IllegalArgumentException && e.getMessage() != null) {
            // thrown by the structure model for impossible values (e.g. a degenerate cell)
            text = e.getMessage();
        } else {
            text = "internal error: " + e.getClass().getSimpleName()
                    + (e.getMessage() != null ? ": " + e.getMessage() : "") + " (run with --debug for details)";
        }
        return file == null || text.startsWith(file) ? text : file + ": " + text;
    }
}
