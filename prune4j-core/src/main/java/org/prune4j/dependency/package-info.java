/**
 * Dependency graph for structured pruning (Torch-Pruning's DepGraph is the reference): which
 * channels of which tensors must be removed together. Each op's {@link org.prune4j.graph.ChannelRule}
 * (in its {@link org.prune4j.graph.OpDescriptor}) says how it passes channel indices; from them
 * {@link org.prune4j.dependency.DependencyGraph} derives {@link org.prune4j.dependency.Group}s, and
 * {@link org.prune4j.dependency.ChannelRemoval} cuts them out of a model for real.
 */
package org.prune4j.dependency;
