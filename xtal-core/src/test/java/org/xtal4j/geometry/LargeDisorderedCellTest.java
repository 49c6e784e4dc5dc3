package org.xtal4j.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xtal4j.io.StructureIO;
import org.xtal4j.structure.Structure;
import org.xtal4j.symmetry.PrimitiveCellFinder;
import org.xtal4j.testing.SharedData;

/**
 * The corpus's 6400-site stress test (cod-2104374, disordered, cubic 45.376 Å). The ground truth has
 * no site list for it, so the structure comes from the CIF reader; per-site counts are compared as
 * a multiset because the reader's site order need not be pymatgen's.
 */
@Tag("shared")
class LargeDisorderedCellTest {

    private static Structure structure;
    private static JsonNode truth;

    @BeforeAll
    static void load() throws IOException {
        Path dir = SharedData.resolve("testdata/crystal-reference");
        List<Structure> read = StructureIO.read(dir.resolve("cif/cod-2104374.cif"), w -> { });
        structure = read.get(0);
        for (JsonNode rec : new ObjectMapper().readTree(dir.resolve("ground-truth.json").toFile()).get("records")) {
            if (rec.get("file").asText().equals("cif/cod-2104374.cif")) {
                truth = rec.get("structures").get(0);
            }
        }
    }

    @Test
    void neighbourListHas220192PairsWithPymatgensCounts() {
        assertThat(structure.size()).isEqualTo(6400);
        NeighbourList nl = NeighbourList.of(structure, 5.0);
        assertThat(nl.size()).isEqualTo(truth.get("neighbours").get("pymatgen_total_pairs").asInt()); // 220,192
        int[] want = new int[6400];
        JsonNode counts = truth.get("neighbours").get("pymatgen_counts_per_site");
        for (int i = 0; i < want.length; i++) {
            want[i] = counts.get(i).asInt();
        }
        int[] got = nl.counts();
        Arrays.sort(want);
        Arrays.sort(got);
        assertThat(got).isEqualTo(want);
    }

    /**
     * pymatgen finds a 1600-site cell at tolerance 0.25 Å but none at 0.5 Å: with the larger
     * tolerance, split-site partners closer than 2·tol count as "neighbours" that must not be merged,
     * so no translation maps the groups onto themselves in cliques of the right size.
     */
    @Test
    void primitiveCellAtBothTolerances() {
        JsonNode prim = truth.get("primitive");
        Structure p = PrimitiveCellFinder.primitive(structure, 0.25);
        assertThat(p.size()).isEqualTo(prim.get("pymatgen_get_primitive_structure").get("n_sites").asInt());
        assertThat(p.volume()).isCloseTo(prim.get("pymatgen_get_primitive_structure").get("volume").asDouble(), within(1e-2));
        assertThat(p.lattice().angles()).containsExactly(new double[] {60, 60, 60}, within(1e-6));
        Structure q = PrimitiveCellFinder.primitive(structure, 0.5);
        assertThat(q.size()).isEqualTo(prim.get("pymatgen_get_primitive_structure_tol_0.5").get("n_sites").asInt());
        assertThat(q).isSameAs(structure);
    }
}
