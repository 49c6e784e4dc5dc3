package org.xtal4j.nn.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A model's hyper-parameters, parsed by its {@link ModelPlugin} (which supplies the defaults). Immutable.
 * {@link #toJson()} gives every hyper-parameter, defaults included, so that a model file fully describes
 * the model even if the defaults change later.
 */
public interface ModelConfig {

    /** The plugin name this configuration belongs to, e.g. "crystalformer". */
    String modelType();

    /** All hyper-parameters as a JSON object; {@code plugin.parseConfig(toJson())} gives an equal config. */
    ObjectNode toJson();
}
