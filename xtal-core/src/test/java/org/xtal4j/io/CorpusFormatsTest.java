package org.xtal4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Structure;
import org.xtal4j.testing.SharedData;

/** POSCAR and extended-XYZ records of the reference corpus against pymatgen's/ASE's ground truth. */
@Tag("shared")
class CorpusFormatsTest {

    /** The VASP 4 file without a species line: we require a species list (crystal-io.md §11.1). */
    private static final String VASP4_NO_SPECIES = "poscar/kyanite-vasp4-no-species-line.vasp";

    /** ground-truth.json is large; parse it once for all tests of this class. */
    private static JsonNode groundTruth;

    private static synchronized List<JsonNode> records(Path corpus, String... kinds) throws IOException {
        if (groundTruth == null) {
            groundTruth = new ObjectMapper().readTree(corpus.resolve("ground-truth.json").toFile());
        }
        JsonNode root = groundTruth;
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode r : root.get("records")) {
            for (String k : kinds) {
                if (r.get("kind").asText().equals(k)) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    @Test
    void validPoscarAndExtxyzRecordsMatchTheGroundTruth() throws IOException {
        Path corpus = SharedData.resolve("testdata/crystal-reference");
        int checked = 0;
        for (JsonNode r : records(corpus, "poscar", "extxyz")) {
            String file = r.get("file").asText();
            if (!r.get("expect").asText().equals("ok") || file.equals(VASP4_NO_SPECIES)) {
                continue;
            }
            List<String> warnings = new ArrayList<>();
            List<Structure> got = StructureIO.read(corpus.resolve(file), warnings::add);
            JsonNode want = r.get("structures");
            assertThat(got).as(file).hasSize(want.size());
            for (int k = 0; k < got.size(); k++) {
                compare(file, got.get(k), want.get(k));
            }
            checked++;
        }
        assertThat(checked).isEqualTo(8); // 5 POSCAR + 3 extended XYZ
    }

    @Test
    void everyValidRecordSurvivesAWriteReadCycleInEveryTextFormat() throws IOException {
        Path corpus = SharedData.resolve("testdata/crystal-reference");
        int cycles = 0;
        for (JsonNode r : records(corpus, "poscar", "extxyz")) {
            String file = r.get("file").asText();
            if (!r.get("expect").asText().equals("ok") || file.equals(VASP4_NO_SPECIES)) {
                continue;
            }
            Structure s = StructureIO.read(corpus.resolve(file), w -> { }).get(0);
            for (String name : List.of("poscar", "extxyz", "json")) {
                StructureFormat f = StructureIO.format(name);
                java.io.StringWriter out = new java.io.StringWriter();
                f.write(List.of(s), out);
                Structure back = StructureIO.parse(out.toString(), file + " as " + name, f, null).get(0);
                assertThat(back.lattice().equalsWithin(s.lattice(), 1e-10)).as(file + " as " + name).isTrue();
                assertThat(back.size()).isEqualTo(s.size());
                // POSCAR regroups species, so compare sites as multisets (exact within 1e-10)
                for (int i = 0; i < s.size(); i++) {
                    final int site = i;
                    boolean found = java.util.stream.IntStream.range(0, back.size()).anyMatch(j ->
                            back.site(j).speciesString().equals(s.site(site).speciesString())
                            && java.util.Arrays.equals(round(back.site(j).frac()), round(s.site(site).frac())));
                    assertThat(found).as("%s as %s: site %d", file, name, i).isTrue();
                }
                cycles++;
            }
        }
        assertThat(cycles).isEqualTo(24);
    }

    private static long[] round(double[] f) {
        return new long[] {Math.round(f[0] * 1e9), Math.round(f[1] * 1e9), Math.round(f[2] * 1e9)};
    }

    @Test
    void vasp4FileWithSpeciesOnlyInTheCommentIsRejected() throws IOException {
        Path corpus = SharedData.resolve("testdata/crystal-reference");
        Path f = corpus.resolve(VASP4_NO_SPECIES);
        try {
            StructureIO.read(f);
            throw new AssertionError("expected the VASP 4 file without a species line to be rejected");
        } catch (StructureParseException e) {
            assertThat(e.getMessage()).contains("kyanite-vasp4-no-species-line.vasp").contains("species line");
            assertThat(e.line()).isEqualTo(6);
        }
    }

    @Test
    void malformedPoscarAndExtxyzFilesAreRejectedWithFileAndLine() throws IOException {
        Path corpus = SharedData.resolve("testdata/crystal-reference");
        int rejected = 0;
        for (JsonNode r : records(corpus, "poscar", "extxyz")) {
            if (!r.get("expect").asText().equals("error")) {
                continue;
            }
            String file = r.get("file").asText();
            try {
                StructureIO.read(corpus.resolve(file));
                throw new AssertionError(file + " should have been rejected");
            } catch (StructureParseException e) {
                assertThat(e.getMessage()).as(file).contains(Path.of(file).getFileName().toString());
                assertThat(e.line()).as(file + ": " + e.getMessage()).isPositive();
                rejected++;
            }
        }
        assertThat(rejected).isEqualTo(3);
    }

    static void compare(String file, Structure s, JsonNode want) {
        assertThat(s.size()).as(file + " n_sites").isEqualTo(want.get("n_sites").asInt());
        JsonNode l = want.get("lattice");
        double[] angles = s.lattice().angles();
        assertThat(s.lattice().a()).as(file + " a").isCloseTo(l.get("a").asDouble(), within(1e-4));
        assertThat(s.lattice().b()).as(file + " b").isCloseTo(l.get("b").asDouble(), within(1e-4));
        assertThat(s.lattice().c()).as(file + " c").isCloseTo(l.get("c").asDouble(), within(1e-4));
        assertThat(angles[0]).as(file + " alpha").isCloseTo(l.get("alpha").asDouble(), within(1e-3));
        assertThat(angles[1]).as(file + " beta").isCloseTo(l.get("beta").asDouble(), within(1e-3));
        assertThat(angles[2]).as(file + " gamma").isCloseTo(l.get("gamma").asDouble(), within(1e-3));
        assertThat(s.volume()).as(file + " volume").isCloseTo(l.get("volume").asDouble(), within(1e-4 * Math.max(1, s.volume())));
        Map<String, Double> comp = new TreeMap<>();
        for (Map.Entry<Element, Double> e : s.composition().amounts().entrySet()) {
            comp.put(e.getKey().symbol(), e.getValue());
        }
        Map<String, Double> wantComp = new TreeMap<>();
        want.get("composition").fields().forEachRemaining(e -> wantComp.put(e.getKey(), e.getValue().asDouble()));
        assertThat(comp).as(file + " composition").isEqualTo(wantComp);
        assertSitesMatch(file, s, want.get("sites"));
    }

    /** Sites as multisets of (species, frac mod 1), tolerance 1e-3 with periodic wrapping. */
    static void assertSitesMatch(String file, Structure s, JsonNode sites) {
        assertThat(sites.size()).as(file + " ground-truth site list").isEqualTo(s.size());
        boolean[] used = new boolean[sites.size()];
        for (int i = 0; i < s.size(); i++) {
            double[] f = s.site(i).frac();
            String sp = s.site(i).speciesString();
            int match = -1;
            for (int j = 0; j < sites.size() && match < 0; j++) {
                if (used[j] || !sites.get(j).get("species").asText().equals(sp)) {
                    continue;
                }
                boolean close = true;
                for (int k = 0; k < 3; k++) {
                    double d = f[k] - sites.get(j).get("frac").get(k).asDouble();
                    d -= Math.rint(d);
                    close &= Math.abs(d) < 1e-3;
                }
                if (close) {
                    match = j;
                }
            }
            assertThat(match).as("%s: site %d %s %s has no partner in the ground truth", file, i, sp,
                    java.util.Arrays.toString(f)).isNotNegative();
            used[match] = true;
        }
    }
}
