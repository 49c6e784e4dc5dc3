package org.xtal4j.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xtal4j.structure.Structure;

/**
 * Mutated and random inputs: every reader must either return structures or throw
 * StructureParseException naming the source — never another exception, never hang.
 */
class FormatFuzzTest {

    private static final String POSCAR = """
            NaCl rocksalt
            1.0
            5.6 0.0 0.0
            0.0 5.6 0.0
            0.0 0.1 5.6
            Na Cl
            1 1
            Selective dynamics
            Direct
            0.0 0.0 0.0 T T F
            0.5 0.5 0.5 F F F
            """;

    private static final String XYZ = """
            2
            Lattice="5.6 0 0 0 5.6 0 0 0.1 5.6" Properties=species:S:1:pos:R:3:forces:R:3 energy=-1.5 stress="1 2 3 4 5 6" name="a b" pbc="T T T"
            Na 0 0 0 0.1 0.2 0.3
            Cl 2.8 2.8 2.8 -0.1 -0.2 -0.3
            1
            Properties=species:S:1:pos:R:3 energy=-2
            H 0 0 0
            """;

    private static final String JSON = "[{\"lattice\": {\"matrix\": [[5.6,0,0],[0,5.6,0],[0,0.1,5.6]], \"pbc\": [true,true,true]},"
            + " \"properties\": {\"e\": 1.5}, \"sites\": [{\"species\": [{\"element\": \"Na\", \"occu\": 1}], \"abc\": [0,0,0],"
            + " \"properties\": {\"magmom\": [1, 2]}}, {\"species\": [{\"element\": \"Cl\", \"occu\": 0.5}], \"xyz\": [2.8,2.8,2.8]}]}]";

    private static final String ALPHABET = "0123456789 \n\t.-+eE\"'=:[]{},TFSRILNaClHxyz_/";

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void mutatedInputsFailCleanly() {
        Random rnd = new Random(20240601);
        int rejected = 0;
        for (String name : List.of("poscar", "extxyz", "json")) {
            StructureFormat f = StructureIO.format(name);
            String seed = name.equals("poscar") ? POSCAR : name.equals("extxyz") ? XYZ : JSON;
            assertThat(parse(f, seed)).isTrue(); // the seed itself is valid
            for (int i = 0; i < 600; i++) {
                if (!parse(f, mutate(seed, rnd))) {
                    rejected++;
                }
            }
        }
        assertThat(rejected).isPositive();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void randomBytesFailCleanly() {
        Random rnd = new Random(7);
        for (StructureFormat f : StructureIO.formats()) {
            if (f.name().equals("cif")) {
                continue; // the CIF reader has its own fuzz tests
            }
            for (int i = 0; i < 150; i++) {
                byte[] b = new byte[rnd.nextInt(600)];
                rnd.nextBytes(b);
                parse(f, new String(b, StandardCharsets.ISO_8859_1));
            }
        }
    }

    /** True when parsed, false when rejected properly; fails the test on any other outcome. */
    private static boolean parse(StructureFormat f, String text) {
        try {
            List<Structure> s = f.read(text, "fuzz.in", w -> { });
            assertThat(s).isNotEmpty();
            return true;
        } catch (StructureParseException e) {
            assertThat(e.getMessage()).startsWith("fuzz.in");
            return false;
        } catch (RuntimeException e) {
            throw new AssertionError(f.name() + " threw " + e + " for input:\n" + text, e);
        }
    }

    private static String mutate(String s, Random rnd) {
        StringBuilder sb = new StringBuilder(s);
        int edits = 1 + rnd.nextInt(4);
        for (int k = 0; k < edits && sb.length() > 0; k++) {
            int at = rnd.nextInt(sb.length());
            switch (rnd.nextInt(5)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
                case 2 -> sb.setCharAt(at, ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
                case 3 -> sb.setLength(at);
                default -> sb.insert(at, sb.substring(at, Math.min(sb.length(), at + 1 + rnd.nextInt(20))));
            }
        }
        return sb.toString();
    }
}
