/**
 * Structured pruning: budgets ({@link org.prune4j.pruning.PruningTarget}), the choice of channels
 * under constraints ({@link org.prune4j.pruning.ChannelSelector}) and the one-shot or iterative
 * {@link org.prune4j.pruning.StructuredPruner} that scores, selects and removes them.
 */
package org.prune4j.pruning;
