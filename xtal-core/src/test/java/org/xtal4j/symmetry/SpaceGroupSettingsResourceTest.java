package org.xtal4j.symmetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xtal4j.testing.SharedData;

/** The bundled table is exactly what the generator makes from the shared spglib JSON. */
@Tag("shared")
class SpaceGroupSettingsResourceTest {

    @Test
    void resourceIsUpToDate() throws IOException {
        String expected = SpaceGroupSettingsTableGenerator.generate(
                SharedData.resolve("testdata/crystal-reference/spacegroup-settings.json"));
        try (InputStream in = SpaceGroupSettings.class.getResourceAsStream("spacegroup-settings.tsv")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(expected);
        }
    }
}
