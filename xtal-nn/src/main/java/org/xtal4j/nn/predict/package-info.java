/**
 * Prediction with a trained model file: {@link org.xtal4j.nn.predict.Predictor} (load once, predict
 * lists of structures in batches, one error per bad structure) and {@link org.xtal4j.nn.predict.Ensemble}
 * (mean and spread over several model files), {@link org.xtal4j.nn.predict.EnsembleMetrics} (accuracy of the
 * mean and how well the spread ranks the errors) with {@link org.xtal4j.nn.predict.RankCorrelation} (Spearman).
 * Shared by {@code xtal predict}/{@code evaluate} and the
 * Spark screening job, so both give the same numbers.
 */
package org.xtal4j.nn.predict;
