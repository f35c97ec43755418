package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.OpDescriptor;

import java.util.List;
import java.util.Map;

/** One token of a sequence as features, {@code (C, T, 1) → (C)} (a vision transformer's class token, read by its head). */
public final class SelectTokenOp implements Op {

    public static final String TYPE = "select-token";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR = new OpDescriptor(TYPE, SelectTokenOp.class,
            a -> new SelectTokenOp(a.getInt("index")), ChannelRules.PASS_THROUGH);

    private final int index;

    public SelectTokenOp(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("token index must be 0 or more, got " + index);
        }
        this.index = index;
    }

    public int index() {
        return index;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = ShapeChecks.image(inputs);
        if (in.get(2) != 1 || index >= in.get(1)) {
            throw new IllegalArgumentException("token " + index + " of a sequence of shape " + in + " (C, T, 1)");
        }
        return new Shape(in.get(0));
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        return inputs.get(0).get(new NDIndex(":, :, " + index + ", 0"));
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("index", index);
    }

    @Override
    public String toString() {
        return TYPE + "(" + index + ")";
    }
}
