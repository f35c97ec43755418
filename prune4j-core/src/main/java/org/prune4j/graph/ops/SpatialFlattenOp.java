package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.OpDescriptor;

import java.util.List;
import java.util.Map;

/**
 * An image's positions as a sequence of tokens: {@code (C, H, W) → (C, H·W, 1)}, channels first
 * (a vision transformer's patch embedding). Token models stay images of width 1, so per-token
 * linear layers are 1×1 convolutions and the channel rules of images hold.
 */
public final class SpatialFlattenOp implements Op {

    public static final String TYPE = "spatial-flatten";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR =
            new OpDescriptor(TYPE, SpatialFlattenOp.class, a -> new SpatialFlattenOp(), ChannelRules.PASS_THROUGH);

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = ShapeChecks.image(inputs);
        return new Shape(in.get(0), in.get(1) * in.get(2), 1);
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        Shape s = inputs.get(0).getShape();
        return inputs.get(0).reshape(s.get(0), s.get(1), s.get(2) * s.get(3), 1);
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of();
    }

    @Override
    public String toString() {
        return TYPE;
    }
}
