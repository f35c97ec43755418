package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;

import org.prune4j.dependency.Group;
import org.prune4j.model.Model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores the channels of a group; higher means more important (keep). Data-driven criteria see
 * batches first ({@link #calibrate}): by default, for each calibration batch, forward and
 * backward with the {@link #gatedNodes} gated, then {@link #observe}; then {@link #score} is
 * called once per group. A criterion is made fresh for every pruning step by its {@link Factory}.
 * {@link ChannelScores#of} runs the whole sequence.
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

    /**
     * Lets a data-driven criterion see the calibration batches (only called when {@link #usesData}).
     * By default: forward and backward on each batch in eval mode, the {@link #gatedNodes}
     * multiplied by gates of ones that require gradients, then {@link #observe}. Criteria that
     * need something else from the data (e.g. many forward passes) override this.
     */
    default void calibrate(Model model, List<Group> groups, Calibration data) {
        List<String> gated = gatedNodes(model, groups);
        data.forEachBackward(model, (step, batchSize) -> {
            Map<String, NDArray> gates = new HashMap<>();
            for (String node : gated) {
                NDArray gate = step.ones(Calibration.gateShape(model, node, batchSize), model.dataType());
                gate.setRequiresGradient(true);
                gates.put(node, gate);
            }
            return gates;
        }, 1, gates -> observe(model, groups, gates));
    }

    /** One score per channel of {@code group}. */
    float[] score(Model model, Group group);

    /**
     * Called with the channels the selector chose to remove (by group), before they go. A
     * criterion may choose others, as many or more per group, and adjust the weights that stay
     * (SiPP samples the kept channels and re-weights them); it returns the removal to apply. The
     * selector's, unchanged, by default.
     */
    default Map<Group, int[]> beforeRemoval(Model model, Map<Group, int[]> removal) {
        return removal;
    }

    /** What the criterion reports about its last pruning step, kept in the pruned model's provenance; none by default. */
    default Map<String, Object> report() {
        return Map.of();
    }
}
