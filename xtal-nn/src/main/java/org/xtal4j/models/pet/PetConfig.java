package org.xtal4j.models.pet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.xtal4j.nn.model.ModelConfig;

/**
 * PET hyper-parameters under the reference's names ({@code default_hypers.yaml}, pet.md §2), with its
 * defaults. The reference's switches that select variants this port does not implement are accepted only
 * with their default value (so a reference {@code hypers.json} block parses as is); {@code DTYPE} and
 * {@code TARGET_INDEX_KEY} are accepted and ignored (the precision comes from the model setup).
 *
 * <p>Training keys of the reference's fitting block that the model itself uses: {@code ENERGY_WEIGHT}
 * (w_E of the loss), {@code GLOBAL_AUG} (random O(3) rotation per structure while training),
 * {@code USE_FORCES}; {@code FORCE_SIGMA} and {@code ENERGY_SIGMA} are the loss scales σ_F (eV/Å) and
 * σ_E (eV), fitted from the training data by {@link PetPlugin#fitToTrainingData} (0 = not fitted: 1);
 * {@code SLIDING_FACTOR} s (0.7) slides them after every epoch of energy + force training,
 * σ ← s·σ + (1 − s)·RMSE_val (s = 1 keeps them fixed); {@code STRESS_WEIGHT} w_S (1) weighs the stress term
 * w_S·MSE(σ)/σ_S² of the loss when training structures have stresses, {@code USE_STRESSES} (true) switches it,
 * and {@code STRESS_SIGMA} σ_S (eV/Å³) is fitted like σ_F (RMS of the training stress components).
 */
public final class PetConfig implements ModelConfig {

    /** Switches fixed to the reference default (value must match when given). */
    private static final Map<String, Object> FIXED = new LinkedHashMap<>();
    /** Keys accepted with any value and ignored here (ECSE_HYPERS is read by {@link PetEcse#config}). */
    private static final Set<String> IGNORED = Set.of("DTYPE", "TARGET_INDEX_KEY", PetEcse.HYPERS_KEY);

    static {
        FIXED.put("AVERAGE_POOLING", false);
        FIXED.put("TRANSFORMERS_CENTRAL_SPECIFIC", false);
        FIXED.put("HEADS_CENTRAL_SPECIFIC", false);
        FIXED.put("ADD_TOKEN_FIRST", true);
        FIXED.put("ADD_TOKEN_SECOND", true);
        FIXED.put("ACTIVATION", "silu");
        FIXED.put("USE_LENGTH", true);
        FIXED.put("USE_ONLY_LENGTH", false);
        FIXED.put("R_EMBEDDING_ACTIVATION", false);
        FIXED.put("COMPRESS_MODE", "mlp");
        FIXED.put("BLEND_NEIGHBOR_SPECIES", false);
        FIXED.put("AVERAGE_BOND_ENERGIES", false);
        FIXED.put("USE_BOND_ENERGIES", true);
        FIXED.put("USE_ADDITIONAL_SCALAR_ATTRIBUTES", false);
        FIXED.put("SCALAR_ATTRIBUTES_SIZE", null);
        FIXED.put("TRANSFORMER_TYPE", "PostLN");
        FIXED.put("USE_LONG_RANGE", false);
        FIXED.put("K_CUT", null);
        FIXED.put("K_CUT_DELTA", null);
        FIXED.put("N_TARGETS", 1);
        FIXED.put("D_OUTPUT", 1);
        FIXED.put("TARGET_TYPE", "structural");
        FIXED.put("TARGET_AGGREGATION", "sum");
    }

    private final int dModel;
    private final int nHead;
    private final int dimFeedforward;
    private final int nTransLayers;
    private final int nGnnLayers;
    private final int headNeurons;
    private final double rCut;
    private final double cutoffDelta;
    private final double residualFactor;
    private final double energyWeight;
    private final boolean globalAug;
    private final boolean useForces;
    private final double forceSigma;
    private final double energySigma;
    private final double slidingFactor;
    private final double stressWeight;
    private final boolean useStresses;
    private final double stressSigma;

    private PetConfig(Builder b) {
        dModel = b.dModel;
        nHead = b.nHead;
        dimFeedforward = b.dimFeedforward;
        nTransLayers = b.nTransLayers;
        nGnnLayers = b.nGnnLayers;
        headNeurons = b.headNeurons;
        rCut = b.rCut;
        cutoffDelta = b.cutoffDelta;
        residualFactor = b.residualFactor;
        energyWeight = b.energyWeight;
        globalAug = b.globalAug;
        useForces = b.useForces;
        forceSigma = b.forceSigma;
        energySigma = b.energySigma;
        slidingFactor = b.slidingFactor;
        stressWeight = b.stressWeight;
        useStresses = b.useStresses;
        stressSigma = b.stressSigma;
        check(stressSigma >= 0, "STRESS_SIGMA must be >= 0");
        check(slidingFactor >= 0 && slidingFactor <= 1, "SLIDING_FACTOR must be in [0, 1]");
        check(stressWeight >= 0, "STRESS_WEIGHT must be >= 0");
        check(dModel > 0 && nHead > 0 && dModel % nHead == 0, "TRANSFORMER_D_MODEL must be a positive multiple"
                + " of TRANSFORMER_N_HEAD");
        check(dimFeedforward > 0 && nTransLayers > 0 && nGnnLayers > 0 && headNeurons > 0,
                "layer sizes and counts must be positive");
        check(rCut > 0 && cutoffDelta > 0 && cutoffDelta < rCut, "need 0 < CUTOFF_DELTA < R_CUT");
        check(energyWeight >= 0 && forceSigma >= 0 && energySigma >= 0, "weights and sigmas must be >= 0");
    }

    private static void check(boolean ok, String msg) {
        if (!ok) {
            throw new IllegalArgumentException("pet: " + msg);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.dModel = dModel;
        b.nHead = nHead;
        b.dimFeedforward = dimFeedforward;
        b.nTransLayers = nTransLayers;
        b.nGnnLayers = nGnnLayers;
        b.headNeurons = headNeurons;
        b.rCut = rCut;
        b.cutoffDelta = cutoffDelta;
        b.residualFactor = residualFactor;
        b.energyWeight = energyWeight;
        b.globalAug = globalAug;
        b.useForces = useForces;
        b.forceSigma = forceSigma;
        b.energySigma = energySigma;
        b.slidingFactor = slidingFactor;
        b.stressWeight = stressWeight;
        b.useStresses = useStresses;
        b.stressSigma = stressSigma;
        return b;
    }

    public int dModel() {
        return dModel;
    }

    public int nHead() {
        return nHead;
    }

    public int headDim() {
        return dModel / nHead;
    }

    public int dimFeedforward() {
        return dimFeedforward;
    }

    public int nTransLayers() {
        return nTransLayers;
    }

    public int nGnnLayers() {
        return nGnnLayers;
    }

    public int headNeurons() {
        return headNeurons;
    }

    public double rCut() {
        return rCut;
    }

    public double cutoffDelta() {
        return cutoffDelta;
    }

    public double residualFactor() {
        return residualFactor;
    }

    public double energyWeight() {
        return energyWeight;
    }

    public boolean globalAug() {
        return globalAug;
    }

    public boolean useForces() {
        return useForces;
    }

    /** σ_F of the loss (eV/Å); 1 when not fitted. */
    public double forceSigma() {
        return forceSigma > 0 ? forceSigma : 1;
    }

    /** σ_E of the loss (eV) as fitted (0 when not fitted); the energy loss itself uses the normalisation std. */
    public double energySigma() {
        return energySigma;
    }

    /** s of the sliding update σ ← s·σ + (1 − s)·RMSE_val after each epoch (1: σ's fixed). */
    public double slidingFactor() {
        return slidingFactor;
    }

    /** w_S, the weight of the stress term of the loss. */
    public double stressWeight() {
        return stressWeight;
    }

    /** Train on stresses when training structures have them. */
    public boolean useStresses() {
        return useStresses;
    }

    /** σ_S of the loss (eV/Å³); 1 when not fitted. */
    public double stressSigma() {
        return stressSigma > 0 ? stressSigma : 1;
    }

    @Override
    public String modelType() {
        return PetPlugin.NAME;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("TRANSFORMER_D_MODEL", dModel);
        o.put("TRANSFORMER_N_HEAD", nHead);
        o.put("TRANSFORMER_DIM_FEEDFORWARD", dimFeedforward);
        o.put("N_TRANS_LAYERS", nTransLayers);
        o.put("N_GNN_LAYERS", nGnnLayers);
        o.put("HEAD_N_NEURONS", headNeurons);
        o.put("R_CUT", rCut);
        o.put("CUTOFF_DELTA", cutoffDelta);
        o.put("RESIDUAL_FACTOR", residualFactor);
        o.put("ENERGY_WEIGHT", energyWeight);
        o.put("GLOBAL_AUG", globalAug);
        o.put("USE_FORCES", useForces);
        o.put("FORCE_SIGMA", forceSigma);
        o.put("ENERGY_SIGMA", energySigma);
        o.put("SLIDING_FACTOR", slidingFactor);
        o.put("STRESS_WEIGHT", stressWeight);
        o.put("USE_STRESSES", useStresses);
        o.put("STRESS_SIGMA", stressSigma);
        return o;
    }

    /** Parses reference-named hyper-parameters; null or {} gives the defaults. */
    public static PetConfig fromJson(JsonNode hp) {
        Builder b = builder();
        if (hp == null || hp.isNull()) {
            return b.build();
        }
        if (!hp.isObject()) {
            throw new IllegalArgumentException("pet hyper-parameters must be a JSON object");
        }
        for (Iterator<String> it = hp.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            JsonNode v = hp.get(k);
            switch (k) {
                case "TRANSFORMER_D_MODEL" -> b.dModel = intOf(k, v);
                case "TRANSFORMER_N_HEAD" -> b.nHead = intOf(k, v);
                case "TRANSFORMER_DIM_FEEDFORWARD" -> b.dimFeedforward = intOf(k, v);
                case "N_TRANS_LAYERS" -> b.nTransLayers = intOf(k, v);
                case "N_GNN_LAYERS" -> b.nGnnLayers = intOf(k, v);
                case "HEAD_N_NEURONS" -> b.headNeurons = intOf(k, v);
                case "R_CUT" -> b.rCut = doubleOf(k, v);
                case "CUTOFF_DELTA" -> b.cutoffDelta = doubleOf(k, v);
                case "RESIDUAL_FACTOR" -> b.residualFactor = doubleOf(k, v);
                case "ENERGY_WEIGHT" -> b.energyWeight = doubleOf(k, v);
                case "GLOBAL_AUG" -> b.globalAug = boolOf(k, v);
                case "USE_FORCES" -> b.useForces = boolOf(k, v);
                case "FORCE_SIGMA" -> b.forceSigma = doubleOf(k, v);
                case "ENERGY_SIGMA" -> b.energySigma = doubleOf(k, v);
                case "SLIDING_FACTOR" -> b.slidingFactor = doubleOf(k, v);
                case "STRESS_WEIGHT" -> b.stressWeight = doubleOf(k, v);
                case "USE_STRESSES" -> b.useStresses = boolOf(k, v);
                case "STRESS_SIGMA" -> b.stressSigma = doubleOf(k, v);
                default -> {
                    if (IGNORED.contains(k)) {
                        continue;
                    }
                    if (!FIXED.containsKey(k)) {
                        throw new IllegalArgumentException("unknown hyper-parameter '" + k + "' for model pet");
                    }
                    Object want = FIXED.get(k);
                    if (!sameValue(want, v)) {
                        throw new IllegalArgumentException("pet: " + k + " = " + v + " is not supported (only "
                                + want + ")");
                    }
                }
            }
        }
        return b.build();
    }

    private static boolean sameValue(Object want, JsonNode v) {
        if (want == null) {
            return v.isNull();
        }
        if (want instanceof Boolean bo) {
            return v.isBoolean() && v.asBoolean() == bo;
        }
        if (want instanceof Integer i) {
            return v.isNumber() && v.asDouble() == i;
        }
        return v.isTextual() && v.asText().equalsIgnoreCase((String) want);
    }

    private static int intOf(String k, JsonNode v) {
        if (!v.isNumber() || v.asDouble() != Math.rint(v.asDouble())) {
            throw new IllegalArgumentException("hyper-parameter '" + k + "' must be an integer, got " + v);
        }
        return v.asInt();
    }

    private static double doubleOf(String k, JsonNode v) {
        if (!v.isNumber()) {
            throw new IllegalArgumentException("hyper-parameter '" + k + "' must be a number, got " + v);
        }
        return v.asDouble();
    }

    private static boolean boolOf(String k, JsonNode v) {
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("hyper-parameter '" + k + "' must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PetConfig c && c.toJson().equals(toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return "PetConfig" + toJson();
    }

    /** Defaults of the reference's {@code default_hypers.yaml}. */
    public static final class Builder {
        private int dModel = 128;
        private int nHead = 4;
        private int dimFeedforward = 512;
        private int nTransLayers = 3;
        private int nGnnLayers = 3;
        private int headNeurons = 128;
        private double rCut = 5.0;
        private double cutoffDelta = 0.2;
        private double residualFactor = 0.5;
        private double energyWeight = 0.1;
        private boolean globalAug = true;
        private boolean useForces = true;
        private double forceSigma;
        private double energySigma;
        private double slidingFactor = 0.7;
        private double stressWeight = 1.0;
        private boolean useStresses = true;
        private double stressSigma;

        public Builder dModel(int v) {
            dModel = v;
            return this;
        }

        public Builder nHead(int v) {
            nHead = v;
            return this;
        }

        public Builder dimFeedforward(int v) {
            dimFeedforward = v;
            return this;
        }

        public Builder nTransLayers(int v) {
            nTransLayers = v;
            return this;
        }

        public Builder nGnnLayers(int v) {
            nGnnLayers = v;
            return this;
        }

        public Builder headNeurons(int v) {
            headNeurons = v;
            return this;
        }

        public Builder rCut(double v) {
            rCut = v;
            return this;
        }

        public Builder cutoffDelta(double v) {
            cutoffDelta = v;
            return this;
        }

        public Builder energyWeight(double v) {
            energyWeight = v;
            return this;
        }

        public Builder globalAug(boolean v) {
            globalAug = v;
            return this;
        }

        public Builder useForces(boolean v) {
            useForces = v;
            return this;
        }

        public Builder forceSigma(double v) {
            forceSigma = v;
            return this;
        }

        public Builder energySigma(double v) {
            energySigma = v;
            return this;
        }

        public Builder slidingFactor(double v) {
            slidingFactor = v;
            return this;
        }

        public Builder stressWeight(double v) {
            stressWeight = v;
            return this;
        }

        public Builder useStresses(boolean v) {
            useStresses = v;
            return this;
        }

        public Builder stressSigma(double v) {
            stressSigma = v;
            return this;
        }

        public PetConfig build() {
            return new PetConfig(this);
        }
    }
}
