/**
 * Training and evaluation: the {@link org.prune4j.train.Trainer} loop with listeners,
 * cross-entropy {@link org.prune4j.train.Loss}, the {@link org.prune4j.train.Evaluator}, and
 * the optimizer and schedule plug-ins in the sub-packages.
 */
package org.prune4j.train;
