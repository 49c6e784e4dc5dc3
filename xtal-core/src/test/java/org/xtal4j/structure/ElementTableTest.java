package org.xtal4j.structure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xtal4j.testing.SharedData;

/** The committed elements.tsv is exactly what the generator makes from shared/'s element tables. */
@Tag("shared")
class ElementTableTest {

    @Test
    void committedResourceMatchesTheSources() throws IOException {
        String expected = ElementTableGenerator.generate(SharedData.root());
        try (InputStream in = Element.class.getResourceAsStream("/org/xtal4j/structure/elements.tsv")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(expected);
        }
    }
}
