/**
 * Criteria: what decides which channels (structured pruning) a pruner removes. A
 * {@link org.prune4j.criterion.ChannelCriterion} scores a {@link org.prune4j.dependency.Group},
 * one number per channel (higher = keep), and is found by name in
 * {@link org.prune4j.criterion.ChannelCriteria}; {@link org.prune4j.criterion.Calibration} holds
 * the batches data-driven criteria (channel and per-weight) see. Per-weight criteria of
 * unstructured pruning live in {@code sparsity}.
 */
package org.prune4j.criterion;
