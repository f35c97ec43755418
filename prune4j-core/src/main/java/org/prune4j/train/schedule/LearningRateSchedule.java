package org.prune4j.train.schedule;

/** The learning rate at each optimizer step (0-based, counted over the whole run). */
@FunctionalInterface
public interface LearningRateSchedule {

    double rateAt(long step);
}
