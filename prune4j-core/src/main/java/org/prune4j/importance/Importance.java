package org.prune4j.importance;

import ai.djl.ndarray.NDArray;

import org.prune4j.dependency.Group;
import org.prune4j.model.Model;

import java.util.List;
import java.util.Map;

/**
 * Scores the channels of a group; higher means more important. Data-driven criteria see
 * batches first: for each batch the pruner runs forward and backward and calls
 * {@link #observe}; then {@link #score} is called once per group.
 */
public interface Importance {

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
