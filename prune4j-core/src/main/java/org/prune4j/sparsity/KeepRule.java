package org.prune4j.sparsity;

import ai.djl.ndarray.types.Shape;

import java.util.Map;

/**
 * Turns per-weight scores (higher = keep) into 0/1 masks: one threshold over all layers
 * ({@link GlobalKeep}), the same fraction in every layer ({@link LayerwiseKeep}), or N of every
 * M consecutive input weights ({@link NofMKeep}). Scores of weights that are already removed are
 * {@code -Infinity}, so a removed weight never comes back.
 */
public interface KeepRule {

    String name();

    /**
     * Masks for every scored weight tensor, keeping {@code keepFraction} of the scored weights
     * (rules with a fixed pattern, like N:M, ignore it).
     */
    Map<String, float[]> select(Map<String, float[]> scores, Map<String, Shape> shapes, double keepFraction);

    /** Whether the rule decides the kept fraction itself (N:M) instead of following a budget. */
    default boolean fixedFraction() {
        return false;
    }
}
