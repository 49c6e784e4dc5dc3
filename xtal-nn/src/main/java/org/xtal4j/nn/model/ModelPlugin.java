package org.xtal4j.nn.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.xtal4j.structure.Structure;

/**
 * What a model (Crystalformer, Site-Net, PET) provides to the trainer, the CLI and the model file. One
 * implementation per model, registered for {@link java.util.ServiceLoader} in
 * {@code META-INF/services/org.xtal4j.nn.model.ModelPlugin} and found through {@link ModelRegistry}.
 *
 * <p>The data path of one step, all driven by the trainer:
 * <pre>
 * Sample s   = plugin.prepare(structure, setup);                 // plain Java, cacheable, any thread
 * Batch b    = plugin.collate(samples, stepManager, setup);        // NDArrays, padded / concatenated
 * NDList out = plugin.forward(block, parameterStore, b, training, setup);   // named outputs
 * NDArray l  = plugin.loss(out, b, setup);                          // scalar, inside a GradientCollector
 * </pre>
 * Output names: {@link #OUTPUT_PREDICTION} is mandatory; {@link #OUTPUT_FORCES} for force models;
 * attention weights for {@code explain} start with {@link #OUTPUT_ATTENTION}.
 *
 * <p>Conventions: predictions and labels are in normalised units ((y − mean)/std as in the setup's
 * {@link Normalisation}); the trainer maps predictions back. Geometry (neighbour lists, lattice
 * translations, distances) is computed in double in {@link #prepare} and fed in the setup's precision.
 * Arrays made during a step belong to the step's manager (or an {@code NDScope}), never to a long-lived one.
 */
public interface ModelPlugin {

    /** Per-structure predictions [B, T], normalised, columns in {@link ModelSetup#targetNames()} order. */
    String OUTPUT_PREDICTION = "prediction";
    /** Per-atom forces [ΣN, 3] (atoms of the batch concatenated in sample order), −∂E/∂r. */
    String OUTPUT_FORCES = "forces";
    /** Prefix of attention-weight outputs (e.g. "attention.block0"), produced when explaining. */
    String OUTPUT_ATTENTION = "attention.";

    /** Short lower-case name used on the command line and in model files: "crystalformer", "sitenet", "pet". */
    String name();

    /** One line for {@code --help} and model listings. */
    String description();

    /**
     * Parses hyper-parameters: missing keys take the model's defaults, unknown keys or wrong types give an
     * IllegalArgumentException naming the key. {@code null} or {@code {}} gives the defaults.
     */
    ModelConfig parseConfig(JsonNode hyperParameters);

    /** The default hyper-parameters. */
    default ModelConfig defaultConfig() {
        return parseConfig(null);
    }

    /**
     * A new, uninitialised DJL block for the setup (sizes from the config, element vocabulary and target
     * count). The trainer initialises it ({@link #initialize}) or loads weights into it ({@link Weights#load}).
     */
    Block newBlock(ModelSetup setup);

    /**
     * Initialises the block's parameters with the model's own scheme (e.g. Crystalformer's T-Fixup) and
     * the setup's precision. Seeding is the caller's job ({@code Backend.seed}).
     */
    void initialize(Block block, NDManager manager, ModelSetup setup);

    /**
     * Prepares one structure: features, precomputed geometry and (when the structure carries them, e.g. in
     * {@link Structure#properties()} under the target names, forces in {@link Structure#siteProperties()})
     * labels. Throws IllegalArgumentException for structures the model cannot take (unknown element,
     * disorder it cannot represent), with the reason.
     */
    Sample prepare(Structure structure, ModelSetup setup);

    /** Collates samples into one batch of NDArrays owned by {@code manager} (labels only if all have them). */
    Batch collate(List<? extends Sample> samples, NDManager manager, ModelSetup setup);

    /**
     * Runs the model and returns named outputs ({@link NDArray#getName()}), at least
     * {@link #OUTPUT_PREDICTION}. A force model computes forces here by a first backward with create_graph
     * ({@code Autograd.backwardCreateGraph}) and then zeroes the parameter gradients it polluted, so that
     * the trainer's backward of the loss sees only dLoss/dθ. With {@code explain} the model adds its
     * attention outputs. Training-time augmentation (PET's random rotations) belongs here, when
     * {@code training} is true, drawing from the engine's RNG so that {@code Backend.seed} makes runs
     * repeatable.
     */
    NDList forward(Block block, ParameterStore parameters, Batch batch, boolean training, boolean explain,
                   ModelSetup setup);

    /** The scalar training loss from the outputs and the batch labels (e.g. L1 summed over targets). */
    NDArray loss(NDList outputs, Batch batch, ModelSetup setup);

    /**
     * The training loss when the plugin keeps {@link TrainingState} (see {@link #newTrainingState}); the trainer
     * calls this in training steps, with the run's state. The default ignores the state.
     */
    default NDArray loss(NDList outputs, Batch batch, ModelSetup setup, TrainingState state) {
        return loss(outputs, batch, setup);
    }

    /**
     * A fresh per-run training state that changes between epochs (e.g. PET's sliding loss scales), or null
     * (the default) for models without one. Called once per {@code Trainer.run}, before any checkpoint is
     * restored into it.
     */
    default TrainingState newTrainingState(ModelSetup setup) {
        return null;
    }

    /**
     * True for models whose forward differentiates with respect to inputs (forces): the trainer then calls
     * {@code Autograd.backward} itself and afterwards {@code Autograd.detachGrads} on the parameters and on
     * every input array that requires a gradient, which stops a leak of the whole graph per step.
     */
    default boolean needsInputGradients() {
        return false;
    }

    /**
     * Adapts the setup to the training structures before training starts (called once by the training
     * command, after the normalisation was fitted): e.g. PET fits per-element energy offsets (its
     * self-contributions) into the normalisation and loss scales into its hyper-parameters. The default
     * returns the setup unchanged.
     */
    default ModelSetup fitToTrainingData(ModelSetup setup, List<Structure> training) {
        return setup;
    }

    /**
     * Forward-pass floating-point operations for one prepared structure by the model's FLOP model
     * (docs/performance.md), for {@code xtal bench}; a training step counts about 3×. Empty when the model
     * has none.
     */
    default OptionalDouble flopsPerStructure(Sample sample, ModelSetup setup) {
        return OptionalDouble.empty();
    }

    /** Names of the attention outputs {@link #forward} adds when explaining (empty when it cannot explain). */
    default Set<String> explanationOutputs() {
        return Set.of();
    }

    /**
     * The block's parameters under the model's reference names (e.g. Crystalformer's
     * "encoder.layers.0.self_attn.q_proj_weight"), which are the tensor names in weights.safetensors.
     * The default uses DJL's own hierarchical parameter names.
     */
    default Map<String, Parameter> namedParameters(Block block) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.put(p.getKey(), p.getValue());
        }
        return out;
    }

    /**
     * Training state that a plugin owns and changes between epochs, such as PET's sliding loss scales σ_E and σ_F
     * (pet.md §4). The trainer makes one per run ({@link ModelPlugin#newTrainingState}), shows it the outputs of
     * every batch of each epoch's validation, calls {@link #endEpoch} after that validation, hands it to
     * {@link ModelPlugin#loss(NDList, Batch, ModelSetup, TrainingState)} in the training steps that follow, and
     * stores it in the checkpoint so that a resumed run goes on exactly as an unbroken one.
     *
     * <p>The validation loss the trainer reports (and selects the best epoch by) does not use the state, so that
     * epochs stay comparable while the state changes.
     */
    interface TrainingState {

        /**
         * One batch of an epoch's validation, in evaluation mode (no augmentation), in batch order. The outputs and
         * the batch are valid only during the call: read what is needed into Java values.
         */
        void observeValidation(NDList outputs, Batch batch);

        /**
         * After the validation of epoch {@code epoch} (1-based): updates the state from what was observed since the
         * last call and forgets the observations. Also called when there is no validation split, with nothing
         * observed.
         */
        void endEpoch(int epoch);

        /** The state as JSON, for the checkpoint. */
        JsonNode save();

        /** Restores a state written by {@link #save} (resume). */
        void restore(JsonNode saved);
    }
}
