package org.prune4j.sparsity;

import java.util.function.LongFunction;

/**
 * A named unstructured method: a per-weight criterion (made fresh per use, from a seed), the rule
 * that turns scores into masks, and whether it prunes at initialization (SNIP, GraSP, SynFlow:
 * the network is pruned before training and then trained with the masks) or a trained model.
 */
public record UnstructuredMethod(String name, LongFunction<WeightCriterion> criterion, KeepRule keepRule,
        boolean atInitialization) {

    public WeightCriterion newCriterion(long seed) {
        return criterion.apply(seed);
    }

    /** Pruning at initialization and N:M patterns reach their budget in one step, whatever the schedule. */
    public boolean prunesInOneStep() {
        return atInitialization || keepRule.fixedFraction();
    }
}
