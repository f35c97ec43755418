package org.prune4j.metrics;

import ai.djl.ndarray.types.Shape;

/** One node's row in a summary: output shape, trainable parameters, MACs per sample. */
public record LayerStats(String node, String type, Shape outputShape, long parameters, long macs) {}
