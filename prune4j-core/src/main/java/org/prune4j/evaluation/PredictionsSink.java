package org.prune4j.evaluation;

/** Receives the predictions of each evaluated condition, e.g. to export them. */
@FunctionalInterface
public interface PredictionsSink {

    void accept(String condition, Predictions predictions);
}
