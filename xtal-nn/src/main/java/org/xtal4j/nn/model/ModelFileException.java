package org.xtal4j.nn.model;

import java.io.IOException;

/** A model file that cannot be read: not an xtal4j model, wrong format version, missing or bad entry. */
public final class ModelFileException extends IOException {

    private static final long serialVersionUID = 1L;

    public ModelFileException(String source, String problem) {
        super(source + ": " + problem);
    }

    public ModelFileException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
    }
}
