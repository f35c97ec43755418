/**
 * The model graph: a DAG of named {@link org.prune4j.graph.Node}s, each applying an
 * {@link org.prune4j.graph.Op} to earlier outputs, with shapes inferred at build time. Pruning
 * reads this graph to find which channels are coupled; {@code org.prune4j.model} adds weights.
 */
package org.prune4j.graph;
