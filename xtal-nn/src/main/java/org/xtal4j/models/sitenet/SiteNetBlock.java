package org.xtal4j.models.sitenet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The DJL block that holds Site-Net's parameters under the reference's {@code state_dict} names
 * ({@link SiteNetParameters#shapes(SiteNetConfig, int)}), so that {@code Weights.load} takes the reference's
 * safetensors directly. The computation is {@link SiteNetForward}, driven by {@link SiteNetPlugin#forward}
 * (which also does the embedding's in-place renormalisation).
 */
public final class SiteNetBlock extends AbstractBlock {

    private final SiteNetConfig cfg;
    private final int targets;
    private final Map<String, Parameter> named = new LinkedHashMap<>();

    public SiteNetBlock(SiteNetConfig cfg, int targets) {
        this.cfg = cfg;
        this.targets = targets;
        for (Map.Entry<String, long[]> e : SiteNetParameters.shapes(cfg, targets).entrySet()) {
            String name = e.getKey();
            Parameter.Type type = name.endsWith(".bias") ? Parameter.Type.BIAS : Parameter.Type.WEIGHT;
            Parameter p = addParameter(Parameter.builder().setName(name).setType(type)
                    .optShape(new Shape(e.getValue())).optInitializer(new ConstantInitializer(0f)).build());
            named.put(name, p);
        }
    }

    public SiteNetConfig config() {
        return cfg;
    }

    public int targetCount() {
        return targets;
    }

    /** Parameters under the reference's names, in {@link SiteNetParameters#shapes(SiteNetConfig, int)} order. */
    public Map<String, Parameter> namedParameters() {
        return Collections.unmodifiableMap(named);
    }

    /**
     * PyTorch's default initialisation (spec §2): Linear weight and bias U(±1/√fan_in), LayerNorm γ = 1,
     * β = 0, embedding N(0, 1). Uses the engine's RNG (seed with {@code Backend.seed}).
     */
    void initializeLikePyTorch(NDManager manager, DataType type) {
        initialize(manager, type, new Shape(1, 1));
        Map<String, long[]> shapes = SiteNetParameters.shapes(cfg, targets);
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            String name = e.getKey();
            NDArray t = e.getValue().getArray();
            NDArray v;
            if (name.equals("Elemental_Embeddings.weight")) {
                v = manager.randomNormal(0f, 1f, t.getShape(), DataType.FLOAT32);
            } else if (isNorm(name)) {
                v = name.endsWith(".weight") ? manager.ones(t.getShape()) : manager.zeros(t.getShape());
            } else {
                String base = name.substring(0, name.lastIndexOf('.'));
                long fanIn = shapes.get(base + ".weight")[1];
                float bound = (float) (1 / Math.sqrt(fanIn));
                v = manager.randomUniform(-bound, bound, t.getShape(), DataType.FLOAT32);
            }
            try (NDArray c = v.toType(t.getDataType(), false)) {
                c.copyTo(t);
            }
            v.close();
        }
    }

    private static boolean isNorm(String name) {
        return name.contains(".Norm.") || name.startsWith("encoder.post_pool_layers_norm.");
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        throw new UnsupportedOperationException("run Site-Net through SiteNetPlugin.forward");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(-1, targets)};
    }
}
