/**
 * The op types of the model graph, each a small immutable value over DJL's functional ops
 * (convolution, batch norm, linear, activations, pooling, flatten, add, multiply, concat,
 * dropout, identity).
 */
package org.prune4j.graph.ops;
