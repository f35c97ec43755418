/**
 * Access to the DJL PyTorch engine: offline start-up, seeding, autograd helpers, versions, and
 * the guard that makes sure the engine computes correctly on this processor: a known-answer
 * check of convolution, batch norm and linear kernels against plain-Java float64 references,
 * run once per machine in child JVMs ({@link org.prune4j.engine.EngineGuard}), the engine
 * configurations it chooses between ({@link org.prune4j.engine.EngineConfiguration}), and the
 * convolution entry point that routes around kernels known to be faulty
 * ({@link org.prune4j.engine.Convolution}).
 */
package org.prune4j.engine;
