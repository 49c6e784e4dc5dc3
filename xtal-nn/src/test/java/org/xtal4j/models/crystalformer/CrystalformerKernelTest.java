package org.xtal4j.models.crystalformer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.model.Batch;
import org.xtal4j.nn.model.ModelSetup;
import org.xtal4j.nn.model.Normalisation;
import org.xtal4j.nn.model.Sample;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/**
 * The fused lattice sums ({@link PeriodicSums}) against the dense autograd path ({@link PeriodicEncoding}) on
 * crystals made here, without ../shared: predictions and every parameter gradient of a small float64 model
 * with adaptive boxes, on a batch of crystals of different sizes (so padding is exercised), a skewed cell
 * (boxes of different widths) and a one-atom cell, in one chunk and with every crystal in its own chunk.
 */
class CrystalformerKernelTest {

    static List<Structure> crystals() {
        List<Structure> out = new ArrayList<>();
        out.add(CrystalformerInvarianceTest.nacl());
        out.add(Structure.of(Lattice.fromParameters(2.5, 2.5, 2.5, 60, 60, 60),
                List.of(Site.of(Element.of("Cu"), new double[] {0, 0, 0}))));
        out.add(Structure.of(Lattice.fromParameters(3.1, 4.7, 6.2, 71, 98, 113),
                List.of(Site.of(Element.of("Ti"), new double[] {0.1, 0.2, 0.3}),
                        Site.of(Element.of("O"), new double[] {0.6, 0.1, 0.8}),
                        Site.of(Element.of("O"), new double[] {0.35, 0.7, 0.45}))));
        out.add(CrystalformerInvarianceTest.triclinic());
        return out;
    }

    @Test
    void fusedAndDenseKernelsGiveTheSamePredictionsAndGradients() {
        Map<String, double[]> dense = run("dense");
        compare(run("fused"), dense);
        System.setProperty("xtal.crystalformer.pairBudget", "10"); // every crystal in a chunk of its own
        try {
            compare(run("fused"), dense);
        } finally {
            System.clearProperty("xtal.crystalformer.pairBudget");
        }
    }

    /**
     * float32: the fused kernel stores ψ̄ as floats in arrays it reuses from call to call. Every crystal in its
     * own chunk first leaves real values where the whole batch then has padding.
     */
    @Test
    void float32FusedKernelMatchesTheDensePathAfterReusingItsArrays() {
        Map<String, double[]> dense = run("dense", Precision.FLOAT32);
        System.setProperty("xtal.crystalformer.pairBudget", "10");
        try {
            compare(run("fused", Precision.FLOAT32), dense, 2e-4);
        } finally {
            System.clearProperty("xtal.crystalformer.pairBudget");
        }
        compare(run("fused", Precision.FLOAT32), dense, 2e-4);
    }

    /**
     * float32 sums ψ̄ in vector FMAs when the vector module is resolved (the build's test JVMs add it), else in a
     * scalar loop: both match the dense path, and each other to float rounding.
     */
    @Test
    void float32VectorAndScalarWindowSumsMatchTheDensePath() {
        assertThat(WindowSums.VECTOR_MODULE).as("tests run with --add-modules jdk.incubator.vector").isTrue();
        Map<String, double[]> dense = run("dense", Precision.FLOAT32);
        Map<String, double[]> vector = run("fused", Precision.FLOAT32);
        System.setProperty("xtal.crystalformer.vector", "false");
        Map<String, double[]> scalar;
        try {
            scalar = run("fused", Precision.FLOAT32);
        } finally {
            System.clearProperty("xtal.crystalformer.vector");
        }
        compare(vector, dense, 2e-4);
        compare(scalar, dense, 2e-4);
        compare(vector, scalar, 1e-5);
    }

    private static void compare(Map<String, double[]> fused, Map<String, double[]> dense) {
        compare(fused, dense, 1e-9);
    }

    private static void compare(Map<String, double[]> fused, Map<String, double[]> dense, double tolerance) {
        assertThat(fused.keySet()).isEqualTo(dense.keySet());
        for (String name : fused.keySet()) {
            double[] f = fused.get(name);
            double[] d = dense.get(name);
            double max = 0;
            double err = 0;
            for (int i = 0; i < f.length; i++) {
                max = Math.max(max, Math.abs(d[i]));
                err = Math.max(err, Math.abs(f[i] - d[i]));
            }
            assertThat(err).as(name + " (max " + max + ")").isLessThanOrEqualTo(tolerance * Math.max(max, 1e-3));
        }
        assertThat(fused.get("pred")).hasSize(4);
    }

    private static Map<String, double[]> run(String kernel) {
        return run(kernel, Precision.FLOAT64);
    }

    private static Map<String, double[]> run(String kernel, Precision precision) {
        String before = System.getProperty("xtal.crystalformer.kernel");
        System.setProperty("xtal.crystalformer.kernel", kernel);
        try {
            Backend backend = Backend.get();
            backend.seed(11);
            CrystalformerPlugin plugin = new CrystalformerPlugin();
            CrystalformerConfig cfg = CrystalformerConfig.builder().numLayers(2).modelDim(16).headNum(2).ffDim(32)
                    .embeddingDim(List.of(16)).valuePeDistReal(16).build();
            ModelSetup setup = new ModelSetup(cfg, Normalisation.identity(List.of("y")), List.of(), precision);
            Map<String, double[]> out = new LinkedHashMap<>();
            try (NDManager root = backend.newManager()) {
                CrystalformerBlock block = (CrystalformerBlock) plugin.newBlock(setup);
                plugin.initialize(block, root, setup);
                List<Sample> samples = new ArrayList<>();
                for (Structure s : crystals()) {
                    samples.add(plugin.prepare(s, setup));
                }
                try (NDManager sm = root.newSubManager(); Batch b = plugin.collate(samples, sm, setup)) {
                    assertThat(((CrystalformerGeometry) b.host()).kernel().name()).isEqualToIgnoringCase(kernel);
                    try (GradientCollector gc = backend.engine().newGradientCollector()) {
                        // training mode: stores gauss_scale from this batch, as the first step of a run
                        NDArray pred = block.run(new ParameterStore(sm, false), b, true, null);
                        out.put("pred", pred.toType(DataType.FLOAT64, false).toDoubleArray());
                        gc.backward(pred.mul(pred).sum());
                    }
                    for (Map.Entry<String, Parameter> e : block.namedParameters().entrySet()) {
                        if (e.getValue().requiresGradient()) {
                            out.put(e.getKey(), e.getValue().getArray().getGradient()
                                    .toType(DataType.FLOAT64, false).toDoubleArray());
                        }
                    }
                }
            }
            return out;
        } finally {
            if (before == null) {
                System.clearProperty("xtal.crystalformer.kernel");
            } else {
                System.setProperty("xtal.crystalformer.kernel", before);
            }
        }
    }
}
