package org.xtal4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

class StructureIOTest {

    private static final String POSCAR = """
            Si
            1.0
            5.43 0 0
            0 5.43 0
            0 0 5.43
            Si
            2
            Direct
            0 0 0
            0.25 0.25 0.25
            """;

    private static final String XYZ = """
            2
            Lattice="5.43 0 0 0 5.43 0 0 0 5.43" Properties=species:S:1:pos:R:3 energy=-3.5 pbc="T T T"
            Si 0 0 0
            Si 1.3575 1.3575 1.3575
            """;

    private static final String JSON = "{\"lattice\": {\"matrix\": [[5.43,0,0],[0,5.43,0],[0,0,5.43]]},"
            + " \"sites\": [{\"species\": [{\"element\": \"Si\", \"occu\": 1}], \"abc\": [0,0,0]},"
            + " {\"species\": [{\"element\": \"Si\", \"occu\": 1}], \"abc\": [0.25,0.25,0.25]}]}";

    @TempDir
    Path dir;

    @Test
    void formatsByName() {
        assertThat(StructureIO.formats()).extracting(StructureFormat::name).containsExactly("cif", "poscar", "extxyz", "json");
        assertThat(StructureIO.format("POSCAR").name()).isEqualTo("poscar");
        assertThatThrownBy(() -> StructureIO.format("pdb")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pdb").hasMessageContaining("cif, poscar, extxyz, json");
    }

    @Test
    void detectsByExtensionAndVaspNames() {
        assertThat(StructureIO.detect("a/b/Si.vasp", "").name()).isEqualTo("poscar");
        assertThat(StructureIO.detect("x.POSCAR", "").name()).isEqualTo("poscar");
        assertThat(StructureIO.detect("POSCAR", "").name()).isEqualTo("poscar");
        assertThat(StructureIO.detect("CONTCAR_relaxed.gz", "").name()).isEqualTo("poscar");
        assertThat(StructureIO.detect("train.xyz.xz", "").name()).isEqualTo("extxyz");
        assertThat(StructureIO.detect("t.EXTXYZ", "").name()).isEqualTo("extxyz");
        assertThat(StructureIO.detect("mp.json.gz", "").name()).isEqualTo("json");
        assertThat(StructureIO.detect("x.cif", POSCAR).name()).isEqualTo("cif"); // the name wins
    }

    @Test
    void detectsByContent() {
        assertThat(StructureIO.detect("noext", POSCAR).name()).isEqualTo("poscar");
        assertThat(StructureIO.detect("noext", XYZ).name()).isEqualTo("extxyz");
        assertThat(StructureIO.detect("noext", JSON).name()).isEqualTo("json");
        assertThat(StructureIO.detect("noext", "data_si\n_cell_length_a 5.43\n").name()).isEqualTo("cif");
        assertThatThrownBy(() -> StructureIO.detect("notes.txt", "hello world\n"))
                .isInstanceOf(StructureParseException.class).hasMessageContaining("notes.txt")
                .hasMessageContaining("cannot tell");
    }

    @Test
    void readsGzipAndXzByMagicBytesWhateverTheName() throws IOException {
        Path gz = dir.resolve("si.vasp.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(POSCAR.getBytes(StandardCharsets.UTF_8));
        }
        Path xz = dir.resolve("frames.xyz"); // xz content without the .xz name
        try (OutputStream o = new XZOutputStream(Files.newOutputStream(xz), new LZMA2Options())) {
            o.write(XYZ.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(StructureIO.readText(gz)).isEqualTo(POSCAR);
        assertThat(StructureIO.read(gz)).hasSize(1).first().extracting(Structure::size).isEqualTo(2);
        List<Structure> frames = StructureIO.read(xz);
        assertThat(frames.get(0).properties().get("energy")).isEqualTo(-3.5);
        Path json = dir.resolve("structure.json.xz");
        try (OutputStream o = new XZOutputStream(Files.newOutputStream(json), new LZMA2Options())) {
            o.write(JSON.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(StructureIO.read(json).get(0).site(1).frac()).containsExactly(0.25, 0.25, 0.25);
    }

    @Test
    void damagedCompressedDataIsAParseError() throws IOException {
        Path gz = dir.resolve("broken.vasp.gz");
        Files.write(gz, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        assertThatThrownBy(() -> StructureIO.readText(gz)).isInstanceOf(StructureParseException.class)
                .hasMessageContaining("broken.vasp.gz").hasMessageContaining("damaged");
    }

    @Test
    void fallsBackToLatin1AndDropsTheBom() throws IOException {
        Path f = dir.resolve("latin1.vasp");
        Files.write(f, POSCAR.replace("Si\n1.0", "Si caf\u00e9\n1.0").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(StructureIO.readText(f)).startsWith("Si caf\u00e9");
        Path bom = dir.resolve("bom.vasp");
        Files.write(bom, ("\uFEFF" + POSCAR).getBytes(StandardCharsets.UTF_8));
        assertThat(StructureIO.readText(bom)).isEqualTo(POSCAR);
        assertThat(StructureIO.read(bom)).hasSize(1);
    }

    @Test
    void binaryFilesAreRejected() throws IOException {
        Path f = dir.resolve("garbage.vasp");
        byte[] b = new byte[512];
        new java.util.Random(42).nextBytes(b);
        Files.write(f, b);
        assertThatThrownBy(() -> StructureIO.read(f)).isInstanceOf(StructureParseException.class)
                .hasMessageContaining("garbage.vasp").hasMessageContaining("looks binary");
        byte[] controls = new byte[200];
        java.util.Arrays.fill(controls, (byte) 3);
        Files.write(f, controls);
        assertThatThrownBy(() -> StructureIO.readText(f)).hasMessageContaining("looks binary");
    }

    @Test
    void writeIsAtomicAndPicksFormatAndCompressionFromTheName() throws IOException {
        Structure si = StructureIO.parse(POSCAR, "si", StructureIO.format("poscar"), null).get(0);
        Path out = dir.resolve("sub/si.extxyz.gz");
        StructureIO.write(out, List.of(si));
        byte[] raw = Files.readAllBytes(out);
        assertThat(raw[0] & 0xff).isEqualTo(0x1f);
        assertThat(raw[1] & 0xff).isEqualTo(0x8b);
        Structure back = StructureIO.read(out).get(0);
        assertThat(back.site(1).frac()).containsExactly(si.site(1).frac(), org.assertj.core.api.Assertions.within(1e-12));

        Path vasp = dir.resolve("POSCAR");
        StructureIO.write(vasp, List.of(si));
        assertThat(StructureIO.readText(vasp)).contains("Direct");
        // a failing write leaves the old file as it was and no temporary file behind
        Structure mixed = Structure.of(Lattice.fromParameters(5, 5, 5, 90, 90, 90),
                List.of(new Site(Map.of(Element.of("Fe"), 0.5, Element.of("Ni"), 0.5), new double[3], "M")));
        String before = StructureIO.readText(vasp);
        assertThatThrownBy(() -> StructureIO.write(vasp, List.of(mixed))).isInstanceOf(IllegalArgumentException.class);
        assertThat(StructureIO.readText(vasp)).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("sub", "POSCAR");
        }
        try (var files = Files.list(dir.resolve("sub"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("si.extxyz.gz");
        }
        assertThatThrownBy(() -> StructureIO.write(dir.resolve("x.txt"), List.of(si)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x.txt");
    }

    @Test
    void jsonWriteAndExplicitFormat() throws IOException {
        Structure si = StructureIO.parse(XYZ, "si", StructureIO.format("extxyz"), null).get(0);
        Path out = dir.resolve("si.dat");
        StructureIO.write(out, List.of(si, si), StructureIO.format("json"));
        List<Structure> back = StructureIO.read(out); // no known extension: detected from content
        assertThat(back).hasSize(2);
        assertThat(back.get(1).properties().get("energy")).isEqualTo(-3.5);
    }
}
