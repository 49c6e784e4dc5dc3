/**
 * Screening at scale on Apache Spark: read structures from Parquet, CSV or JSON lines
 * ({@link org.xtal4j.spark.ScreenInput}), compute cheap features to filter on
 * ({@link org.xtal4j.spark.Featurise}), predict with one or several model files loaded once per executor JVM
 * ({@link org.xtal4j.spark.Screening}, {@link org.xtal4j.spark.ExecutorModels}), keep the best candidates
 * ({@link org.xtal4j.spark.TopK}) and write Parquet or CSV. {@code xtal screen}
 * ({@link org.xtal4j.spark.ScreenCommand}) runs it all from the command line. See docs/screening.md.
 */
package org.xtal4j.spark;
