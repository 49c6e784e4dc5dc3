/**
 * What every model shares: the {@link org.xtal4j.nn.model.ModelPlugin} interface a model implements
 * (config parsing, DJL block, featurisation, forward, loss, weight names), its
 * {@link org.xtal4j.nn.model.ModelRegistry}, and the self-describing
 * {@link org.xtal4j.nn.model.ModelFile} ({@code .xtal} zip: config, weights, normalisation, elements,
 * provenance).
 */
package org.xtal4j.nn.model;
