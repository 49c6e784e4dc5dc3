/**
 * Model-agnostic training over a {@link org.xtal4j.nn.model.ModelPlugin}: {@link org.xtal4j.nn.train.Trainer}
 * (epochs, size-bucketed seeded batches, validation, best and SWA weights, early stopping, resumable atomic
 * checkpoints, metrics.csv, plots, model file), configured by {@link org.xtal4j.nn.train.TrainConfig}.
 * The optimisers ({@link org.xtal4j.nn.train.Adam}), gradient clipping ({@link org.xtal4j.nn.train.GradClip})
 * and schedules ({@link org.xtal4j.nn.train.LrSchedule}) follow PyTorch step for step.
 */
package org.xtal4j.nn.train;
