package org.xtal4j.models.pet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.Set;
import org.xtal4j.models.pet.ecse.Ecse;
import org.xtal4j.models.pet.ecse.EcseBackbone;
import org.xtal4j.models.pet.ecse.EcseConfig;
import org.xtal4j.models.pet.ecse.EcseEdges;
import org.xtal4j.models.pet.ecse.EcseException;
import org.xtal4j.models.pet.ecse.EnergyAndForces;
import org.xtal4j.nn.Autograd;
import org.xtal4j.nn.Backend;

/**
 * PET symmetrised with ECSE (spec pet.md §3): the adapter from the PET backbone to {@link EcseBackbone}, with
 * energies and forces per structure. The K rotated copies of one frame batch are evaluated as one PET batch of
 * K identical graphs. There is no auxiliary model: a structure without any ECSE frame (fewer than two
 * neighbours, or all pairs nearly collinear, e.g. a dimer) throws {@link EcseException}.
 *
 * <p>ECSE hyper-parameters come from the model's hyper-parameters under {@link #HYPERS_KEY} (the reference's
 * {@code sp_hypers} names, spec §3.8); absent keys take the reference defaults. R_c is the model's R_CUT.
 */
public final class PetEcse {

    /** Key of the optional nested object of ECSE hyper-parameters in a PET model's hyper-parameters. */
    public static final String HYPERS_KEY = "ECSE_HYPERS";

    /** Reference switches with only the value implemented here. */
    private static final Set<String> TANH_ONLY = Set.of("CUTOFF_FUNC_MODE", "Q_FUNC_MODE");

    private final PetBackbone backbone;
    private final ParameterStore store;
    private final EcseConfig config;
    private final DataType type;

    /**
     * @param block  trained PET block (its parameters' dtype is the working precision)
     * @param store  parameter store of the block
     * @param config ECSE configuration, built with the model's R_CUT (see {@link #config})
     */
    public PetEcse(PetBlock block, ParameterStore store, EcseConfig config) {
        this.backbone = new PetBackbone(block);
        this.store = store;
        this.config = config;
        this.type = block.namedParameters().values().iterator().next().getArray().getDataType();
    }

    public EcseConfig config() {
        return config;
    }

    /**
     * The ECSE configuration of a PET model: R_c from {@code pet}, the rest from {@code ecseHypers} (reference
     * names; null or missing keys give the defaults of spec §3.8). N_ADDITIONAL_AUG = 1 is the identity (the
     * reference draws a fresh random rotation on every call; any fixed one is exactly as invariant), n &gt; 1
     * gives n fixed random rotations (seed 0) so that predictions are reproducible.
     */
    public static EcseConfig config(PetConfig pet, JsonNode ecseHypers) {
        EcseConfig.Builder b = EcseConfig.builder(pet.rCut());
        if (ecseHypers == null || ecseHypers.isNull()) {
            return b.build();
        }
        if (!ecseHypers.isObject()) {
            throw new IllegalArgumentException("pet: " + HYPERS_KEY + " must be a JSON object");
        }
        JsonNode h = ecseHypers;
        for (Iterator<String> it = h.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            JsonNode v = h.get(k);
            switch (k) {
                case "R_CUT_OUTER_UPPER_BOUND" -> b.rCutOuterUpperBound(number(k, v));
                case "ADD_LINEAR_MULTIPLIER_Q_FUNC" -> b.linearMultiplier(bool(k, v));
                case "BETA" -> b.beta(number(k, v));
                case "BETA_WEIGHTS" -> b.betaWeights(number(k, v));
                case "DELTA_R_CUT" -> b.deltaRCut(number(k, v));
                case "W" -> b.w(number(k, v));
                case "DELTA_W" -> b.deltaW(number(k, v));
                case "AUX_THRESHOLD" -> b.auxThreshold(number(k, v), number("AUX_THRESHOLD_DELTA",
                        h.get("AUX_THRESHOLD_DELTA"), 0.5));
                case "PRUNNING_THRESHOLD" -> b.pruningThreshold(number(k, v), number("PRUNNING_THRESHOLD_DELTA",
                        h.get("PRUNNING_THRESHOLD_DELTA"), 0.1));
                case "PRUNNING_TURN_ON_THRESHOLD" -> b.pruningTurnOnThreshold(number(k, v),
                        number("PRUNNING_TURN_ON_THRESHOLD_DELTA", h.get("PRUNNING_TURN_ON_THRESHOLD_DELTA"), 0.25));
                case "NUM_PRUNNINGS" -> b.numPrunings((int) integer(k, v));
                case "SPECIES_PRUNNING" -> b.speciesPruning(bool(k, v));
                case "N_ADDITIONAL_AUG" -> {
                    long n = integer(k, v);
                    if (n < 1) {
                        throw new IllegalArgumentException("pet: " + HYPERS_KEY + "." + k + " must be >= 1");
                    }
                    if (n > 1) {
                        b.randomAdditionalRotations((int) n, 0L);
                    }
                }
                case "BATCH_SIZE_SP" -> b.frameBatchSize((int) integer(k, v));
                case "AUX_THRESHOLD_DELTA", "PRUNNING_THRESHOLD_DELTA", "PRUNNING_TURN_ON_THRESHOLD_DELTA" -> {
                    // read with their threshold; a delta without its threshold keeps the default threshold
                    if (h.get(k.replace("_DELTA", "")) == null) {
                        throw new IllegalArgumentException("pet: " + HYPERS_KEY + "." + k + " needs "
                                + k.replace("_DELTA", ""));
                    }
                }
                default -> {
                    if (TANH_ONLY.contains(k)) {
                        if (!"tanh".equals(v.asText())) {
                            throw new IllegalArgumentException("pet: " + HYPERS_KEY + "." + k + " = " + v
                                    + " is not supported (only tanh)");
                        }
                    } else {
                        throw new IllegalArgumentException("unknown ECSE hyper-parameter '" + k + "' for model pet");
                    }
                }
            }
        }
        return b.build();
    }

    private static double number(String k, JsonNode v) {
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException("pet: " + HYPERS_KEY + "." + k + " must be a number");
        }
        return v.asDouble();
    }

    private static double number(String k, JsonNode v, double fallback) {
        return v == null || v.isNull() ? fallback : number(k, v);
    }

    private static long integer(String k, JsonNode v) {
        if (v == null || !v.canConvertToLong() || v.asDouble() != v.asLong()) {
            throw new IllegalArgumentException("pet: " + HYPERS_KEY + "." + k + " must be an integer");
        }
        return v.asLong();
    }

    private static boolean bool(String k, JsonNode v) {
        if (v == null || !v.isBoolean()) {
            throw new IllegalArgumentException("pet: " + HYPERS_KEY + "." + k + " must be true or false");
        }
        return v.asBoolean();
    }

    /** The ECSE edge list of one structure's graph, with vectors of the working precision in {@code m}. */
    public EcseEdges edges(PetGraph g, NDManager m, int speciesCount) {
        if (g.structureCount() != 1) {
            throw new IllegalArgumentException("ECSE takes one structure at a time, got " + g.structureCount());
        }
        int e = g.edgeCount();
        int[] centre = new int[e];
        int[] neighbour = new int[e];
        for (int k = 0; k < e; k++) {
            centre[k] = g.centre(k);
            neighbour[k] = g.neighbour(k);
        }
        int[] species = new int[g.atomCount()];
        for (int i = 0; i < species.length; i++) {
            species[i] = g.species(i);
        }
        return new EcseEdges(g.atomCount(), centre, neighbour, g.edgeVectors(m, type), species, speciesCount);
    }

    /** PET on the rotated edge vectors of one structure; the K copies of a frame batch as one PET batch. */
    public EcseBackbone backbone(PetGraph g) {
        return new EcseBackbone() {
            @Override
            public NDArray energy(NDArray x) {
                return backbone.energy(store, g, x, false).reshape(new Shape());
            }

            @Override
            public NDArray energies(NDArray xs) {
                int k = (int) xs.getShape().get(0);
                PetGraph batch = k == 1 ? g : PetGraph.batch(Collections.nCopies(k, g));
                return backbone.energy(store, batch, xs.reshape(-1, 3), false).reshape(-1);
            }
        };
    }

    /**
     * Symmetrised backbone energy E_S (eV, without self-contributions) and forces F_S = −∂E_S/∂r (eV/Å) of one
     * structure's graph. Must not be called inside a GradientCollector; everything made here is closed.
     *
     * @throws EcseException when the structure has no ECSE frame (no auxiliary model is available)
     */
    public EnergyAndForces energyAndForces(PetGraph g, NDManager manager) {
        try (NDManager m = manager.newSubManager()) {
            Backend.get().ensureFlushDenormal();
            EcseEdges edges = edges(g, m, backbone.block().speciesCount());
            return new Ecse(config, backbone(g), null).energyAndForces(edges);
        } finally {
            Autograd.detachGrads(PetPlugin.parameterArrays(backbone.block()));  // as PetPredictor: no stale graph
        }
    }
}
