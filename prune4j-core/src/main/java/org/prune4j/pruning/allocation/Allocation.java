package org.prune4j.pruning.allocation;

/**
 * How a pruning budget is shared between groups: every group the same share ({@code uniform}),
 * channels ranked across groups ({@code global}), measured loss per layer ({@code sensitivity}),
 * each layer's share of the model's cost ({@code pa}, {@code fa}, {@code ma}) or the redundancy of
 * its gradient ({@code gradient-redundancy}). An allocation orders removals from none to most as
 * {@link Levels}; the pruner searches the level that just meets its target, and the criterion's
 * scores decide which channels of each group go. Found by name in {@link Allocations}.
 */
public interface Allocation {

    /** The registry name, e.g. {@code global}. */
    String name();

    /** Whether {@link #levels} runs the model on calibration data. */
    default boolean usesData() {
        return false;
    }

    /** The removals this allocation would make to the model of {@code context}, from none to most. */
    Levels levels(AllocationContext context);
}
