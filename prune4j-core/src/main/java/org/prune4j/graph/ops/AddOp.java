package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.OpDescriptor;

import java.util.List;
import java.util.Map;

/** Elementwise sum of two or more inputs of the same shape (residual connections). */
public final class AddOp implements Op {

    public static final String TYPE = "add";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR =
            new OpDescriptor(TYPE, AddOp.class, a -> new AddOp(), ChannelRules.PASS_THROUGH);

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public int arity() {
        return VARIADIC;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape first = inputs.get(0);
        for (int i = 1; i < inputs.size(); i++) {
            if (!inputs.get(i).equals(first)) {
                throw new IllegalArgumentException("all inputs must have the same shape; input 0 is "
                        + first + " but input " + i + " is " + inputs.get(i));
            }
        }
        return first;
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        NDArray sum = inputs.get(0).add(inputs.get(1));
        for (int i = 2; i < inputs.size(); i++) {
            sum.addi(inputs.get(i));
        }
        return sum;
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
