package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;

import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.OpDescriptor;
import org.prune4j.graph.OpRegistry;

import java.util.List;
import java.util.Map;

/** Inverted dropout in training mode; the identity in eval mode. */
public final class DropoutOp implements Op {

    public static final String TYPE = "dropout";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR =
            new OpDescriptor(TYPE, DropoutOp.class, DropoutOp::fromAttributes, ChannelRules.PASS_THROUGH);

    private final double rate;

    public DropoutOp(double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
    }

    public double rate() {
        return rate;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        return inputs.get(0);
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        NDArray x = inputs.get(0);
        if (!training || rate == 0) {
            // A view, not a copy: autograd tracks it and the caller may close the input handle.
            return x.reshape(x.getShape());
        }
        return Dropout.dropout(x, (float) rate, true).singletonOrThrow();
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("rate", rate);
    }

    public static DropoutOp fromAttributes(OpRegistry.Attributes a) {
        return new DropoutOp(a.getDouble("rate"));
    }

    @Override
    public String toString() {
        return TYPE + "(" + rate + ")";
    }
}
