/**
 * Models: a graph with its parameters and buffers ({@link org.prune4j.model.Model}), how they
 * were made ({@link org.prune4j.model.Provenance}) and how they are saved
 * ({@link org.prune4j.model.Checkpoint}).
 */
package org.prune4j.model;
