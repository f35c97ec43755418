/**
 * Sound bounds on what a model computes: interval bound propagation through the graph
 * ({@link org.prune4j.verification.IntervalBounds}) and certified robustness under an L∞ ball
 * ({@link org.prune4j.verification.CertifiedRobustness}).
 */
package org.prune4j.verification;
