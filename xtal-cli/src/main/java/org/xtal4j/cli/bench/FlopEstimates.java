package org.xtal4j.cli.bench;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;
import org.xtal4j.geometry.LatticeTranslations;
import org.xtal4j.models.crystalformer.CrystalformerConfig;
import org.xtal4j.models.crystalformer.CrystalformerSample;
import org.xtal4j.nn.model.ModelPlugin;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.nn.perf.CrystalformerFlops;
import org.xtal4j.structure.Lattice;

/**
 * Forward FLOPs per sample for {@code xtal bench}: the plugin's own {@link ModelPlugin#flopsPerStructure}
 * when it has one; for a Crystalformer plugin that has none yet, {@link CrystalformerFlops} with the
 * translations of the real-space box the geometry builds (the box of the largest cut-off, shared by all heads).
 * NaN when neither applies. Results are cached per sample.
 */
public final class FlopEstimates {

    private FlopEstimates() {
    }

    /** A cached estimator for the plugin and setup. */
    public static ToDoubleFunction<Sample> of(ModelPlugin plugin, ModelSetup setup) {
        Map<Sample, Double> cache = new IdentityHashMap<>();
        return s -> cache.computeIfAbsent(s, k -> estimate(plugin, setup, k));
    }

    static double estimate(ModelPlugin plugin, ModelSetup setup, Sample s) {
        OptionalDouble own = plugin.flopsPerStructure(s, setup);
        if (own.isPresent()) {
            return own.getAsDouble();
        }
        if (s instanceof CrystalformerSample cs && setup.config() instanceof CrystalformerConfig c) {
            return crystalformer(c, cs.lattice(), setup.targetNames().size()).forward(cs.atomCount(),
                    translations(c, cs.lattice())).total();
        }
        return Double.NaN;
    }

    /** The FLOP model of a Crystalformer configuration (dense radial basis, as the current path computes). */
    public static CrystalformerFlops crystalformer(CrystalformerConfig c, double[][] lattice, int targets) {
        return new CrystalformerFlops(c.numLayers(), c.modelDim(), c.ffDim(), c.headNum(), c.valuePeDistReal(),
                c.valuePeDistReal(), c.embeddingDim(), Math.max(1, targets));
    }

    /** Real-space translations per atom pair: the box CrystalformerGeometry builds for the lattice. */
    public static int translations(CrystalformerConfig c, double[][] lattice) {
        if (!c.anyReal()) {
            return 0;
        }
        int[] hw = c.adaptiveBoxes()
                ? LatticeTranslations.crystalformerHalfWidths(Lattice.fromMatrix(lattice), c.maxCutoff(),
                c.minimumRange() ? c.latticeRange() : 0)
                : new int[] {c.latticeRange(), c.latticeRange(), c.latticeRange()};
        return (2 * hw[0] + 1) * (2 * hw[1] + 1) * (2 * hw[2] + 1);
    }
}
