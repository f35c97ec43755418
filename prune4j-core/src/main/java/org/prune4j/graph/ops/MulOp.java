package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.OpDescriptor;

import java.util.List;
import java.util.Map;

/**
 * Elementwise product of two inputs: the same shape, or an image {@code (C, H, W)} scaled per
 * channel by a gate {@code (C, 1, 1)} (squeeze-and-excitation).
 */
public final class MulOp implements Op {

    public static final String TYPE = "mul";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR =
            new OpDescriptor(TYPE, MulOp.class, a -> new MulOp(), ChannelRules.PASS_THROUGH);

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape a = inputs.get(0);
        Shape b = inputs.get(1);
        if (a.equals(b)) {
            return a;
        }
        boolean channelGate = a.dimension() == 3 && b.equals(new Shape(a.get(0), 1, 1));
        if (!channelGate) {
            throw new IllegalArgumentException("input 1 must have the shape of input 0 (" + a
                    + ") or be a channel gate (" + a.get(0) + ", 1, 1), got " + b);
        }
        return a;
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        return inputs.get(0).mul(inputs.get(1));
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
