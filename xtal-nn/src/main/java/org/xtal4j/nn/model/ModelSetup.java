package org.xtal4j.nn.model;

import java.util.List;
import java.util.Objects;
import org.xtal4j.nn.Precision;

/**
 * Everything a plugin needs besides the structures: hyper-parameters, targets with their normalisation,
 * the element vocabulary (which fixes embedding sizes) and the precision. These are exactly the parts of a
 * {@link ModelFile} apart from weights and provenance, so a trained model is rebuilt with
 * {@link #of(ModelFile, ModelPlugin, Precision)}.
 */
public record ModelSetup(ModelConfig config, Normalisation normalisation, List<String> elements,
                         Precision precision) {

    public ModelSetup {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(normalisation, "normalisation");
        elements = List.copyOf(elements);
        Objects.requireNonNull(precision, "precision");
    }

    /** The setup stored in a model file, with hyper-parameters parsed by the file's plugin. */
    public static ModelSetup of(ModelFile file, ModelPlugin plugin, Precision precision) {
        if (!plugin.name().equals(file.modelType())) {
            throw new IllegalArgumentException("the model file holds a '" + file.modelType()
                    + "' model, not '" + plugin.name() + "'");
        }
        return new ModelSetup(plugin.parseConfig(file.hyperParameters()), file.normalisation(), file.elements(),
                precision);
    }

    /** Target names in output order (the columns of {@link ModelPlugin#OUTPUT_PREDICTION}). */
    public List<String> targetNames() {
        return normalisation.names();
    }

    /** Index of an element symbol in the vocabulary, or −1 if the model does not know it. */
    public int elementIndex(String symbol) {
        return elements.indexOf(symbol);
    }
}
