package org.xtal4j.spark;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.xtal4j.models.crystalformer.CrystalformerConfig;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.model.Batch;
import org.xtal4j.nn.model.ModelFile;
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelRegistry;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Provenance;
import org.xtal4j.nn.model.Weights;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/** Small freshly initialised Crystalformer model files and a local Spark session, for the tests. */
final class TestModels {

    private TestModels() {
    }

    /**
     * A one-layer, 32-wide Crystalformer (no value position encoding, lattice range 1) with random weights from {@code seed}, written to dir/name, with two
     * targets (e_form, gap) under a non-trivial normalisation so that undoing it is part of what is compared.
     *
     * <p>A freshly initialised Crystalformer has gauss_scale = 0 and then normalises with the statistics of
     * whatever batch it sees, so its predictions would depend on the batch's other structures (by ~1e-4). A
     * trained model stores the first training batch's statistics; so does this one: one forward pass in
     * training mode on two small crystals, before the weights are saved.
     */
    static Path crystalformer(Path dir, String name, long seed) throws IOException {
        // cheap on purpose (~200 structures/s on one loaded core): no value position encoding, a 3x3x3 box
        return crystalformer(dir, name, seed, CrystalformerConfig.builder().numLayers(1).modelDim(32).headNum(2)
                .ffDim(64).valuePeDistReal(0).box(CrystalformerConfig.BoxSemantics.FIXED).latticeRange(1).build());
    }

    /** As {@link #crystalformer(Path, String, long)} with another configuration (e.g. the reference's). */
    static Path crystalformer(Path dir, String name, long seed, CrystalformerConfig cfg) throws IOException {
        Backend backend = Backend.get();
        backend.seed(seed);
        ModelPlugin plugin = ModelRegistry.get("crystalformer");
        Normalisation norm = new Normalisation(List.of(new Normalisation.Target("e_form", "eV/atom", -1.2, 0.9),
                new Normalisation.Target("gap", "eV", 1.1, 1.4)));
        ModelSetup setup = new ModelSetup(cfg, norm, List.of(), backend.precision());
        Path file = dir.resolve(name);
        try (NDManager m = backend.newManager()) {
            Block block = plugin.newBlock(setup);
            plugin.initialize(block, m, setup);
            try (NDManager sm = m.newSubManager();
                 Batch b = plugin.collate(List.of(plugin.prepare(rockSalt("Na", "Cl", 5.6), setup),
                         plugin.prepare(rockSalt("Mg", "O", 4.2), setup)), sm, setup)) {
                plugin.forward(block, new ParameterStore(sm, false), b, true, false, setup);
            }
            new ModelFile(plugin.name(), cfg.toJson(), Weights.save(plugin.namedParameters(block), Map.of()), norm,
                    List.of(), Provenance.now()).write(file);
        }
        return file;
    }

    private static Structure rockSalt(String a, String b, double lattice) {
        double h = lattice / 2;
        Lattice l = Lattice.fromParameters(h * Math.sqrt(2), h * Math.sqrt(2), h * Math.sqrt(2), 60, 60, 60);
        return Structure.of(l, List.of(Site.of(Element.of(a), new double[] {0, 0, 0}),
                Site.of(Element.of(b), new double[] {0.5, 0.5, 0.5})));
    }

    /** local[cores], no UI, few shuffle partitions. */
    static SparkSession spark(int cores) {
        return SparkSession.builder().master("local[" + cores + "]").appName("xtal-spark-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
                .config("spark.ui.showConsoleProgress", "false")
                // tiny jobs: compiling generated code costs more than it saves
                .config("spark.sql.codegen.wholeStage", "false").getOrCreate();
    }
}
