package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;

import org.prune4j.dependency.Group;
import org.prune4j.model.Model;

import java.util.List;
import java.util.Map;

/**
 * Scores the channels of a group; higher means more important (keep). Data-driven criteria see
 * batches first: for each calibration batch the pruner runs forward and backward and calls
 * {@link #observe}; then {@link #score} is called once per group. A criterion is made fresh for
 * every pruning step by its {@link Factory}.
 */
public interface ChannelCriterion {

    /** Makes a fresh criterion; the seed is the pruning step's (random criteria use it). */
    @FunctionalInterface
    interface Factory {
        ChannelCriterion create(long seed);
    }

    /** The registry name, e.g. {@code l1}. */
    String name();

    /** Whether {@link #observe} needs batches with gradients. */
    default boolean usesData() {
        return false;
    }

    /** Nodes whose outputs should be gated for this batch (activation criteria); empty by default. */
    default List<String> gatedNodes(Model model, List<Group> groups) {
        return List.of();
    }

    /**
     * Called after the backward pass of each calibration batch, with parameter gradients and
     * the gates' gradients available.
     */
    default void observe(Model model, List<Group> groups, Map<String, NDArray> gates) {}

    /** One score per channel of {@code group}. */
    float[] score(Model model, Group group);
}
