package org.xtal4j.nn.io;

import java.io.IOException;

/** A safetensors file (or stream) that does not follow the format; the message names the source. */
public final class SafetensorsException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String source;

    public SafetensorsException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
    }

    public SafetensorsException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
    }

    /** The file name or other description of where the bytes came from. */
    public String source() {
        return source;
    }
}
