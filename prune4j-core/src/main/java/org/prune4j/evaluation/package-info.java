/**
 * Behaviour beyond test accuracy: a model's class probabilities on every example
 * ({@link org.prune4j.evaluation.Predictions}) and what is computed from them off the engine —
 * accuracy under corruptions ({@link org.prune4j.evaluation.Corruptions}), calibration
 * ({@link org.prune4j.evaluation.ReliabilityDiagram}), agreement with a reference, per-class
 * accuracy, fairness gaps, dead ReLUs — assembled by
 * {@link org.prune4j.evaluation.BehaviourEvaluation}.
 */
package org.prune4j.evaluation;
