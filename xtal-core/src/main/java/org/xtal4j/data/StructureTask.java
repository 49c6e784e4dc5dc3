package org.xtal4j.data;

import java.io.IOException;
import java.util.function.Consumer;
import org.xtal4j.structure.Structure;

/** The deferred parse of one record's structure; run on a worker thread. */
@FunctionalInterface
interface StructureTask {

    /**
     * @param warnings receives the parser's non-fatal messages
     * @throws org.xtal4j.io.StructureParseException when the text is not a valid structure
     * @throws IOException when a structure file cannot be read
     */
    Structure parse(Consumer<String> warnings) throws IOException;
}
