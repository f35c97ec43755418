package org.prune4j.train.listener;

import org.prune4j.train.EpochStats;
import org.prune4j.train.TrainingContext;

/**
 * Hooks into the training loop, in the spirit of DJL's TrainingListener: progress display,
 * metric logs, checkpoints, and (through {@link #beforeUpdate}) regularizers or sparse-training
 * rules that touch gradients or weights without changing the loop.
 */
public interface TrainingListener {

    default void onTrainingBegin(TrainingContext context) {}

    default void onEpochBegin(TrainingContext context) {}

    /** Gradients are computed and the optimizer has not yet stepped. */
    default void beforeUpdate(TrainingContext context) {}

    /** After the optimizer step of one batch. */
    default void onBatchEnd(TrainingContext context, double loss, long correct, int batchSize) {}

    default void onEpochEnd(TrainingContext context, EpochStats stats) {}

    default void onTrainingEnd(TrainingContext context) {}
}
