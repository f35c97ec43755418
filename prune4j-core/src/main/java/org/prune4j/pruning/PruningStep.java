package org.prune4j.pruning;

/**
 * What one call to {@link PruningMethod.Pruning#pruneTo} did. Parameters and MACs are the
 * non-zero ones: for structured pruning all of them, for unstructured pruning those of the
 * weights still kept.
 *
 * @param progress how far toward the budget, from 0 to 1
 * @param removed channels (structured) or weights (unstructured) removed by this step
 */
public record PruningStep(int step, double progress, long macsBefore, long macsAfter, long parametersBefore,
        long parametersAfter, long removed) {}
