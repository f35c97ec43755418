/**
 * Dependency graph for structured pruning (Torch-Pruning's DepGraph is the reference): which
 * channels of which tensors must be removed together. {@link org.prune4j.dependency.ChannelRules}
 * holds one entry per op type saying how it passes channel indices; from them
 * {@link org.prune4j.dependency.DependencyGraph} derives {@link org.prune4j.dependency.Group}s, and
 * {@link org.prune4j.dependency.ChannelRemoval} cuts them out of a model for real.
 */
package org.prune4j.dependency;
