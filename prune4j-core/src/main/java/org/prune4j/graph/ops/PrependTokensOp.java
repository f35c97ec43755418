package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.OpDescriptor;
import org.prune4j.graph.OpRegistry;
import org.prune4j.graph.ParamSpec;

import java.util.List;
import java.util.Map;

/**
 * Puts {@code count} learned tokens before a token sequence, {@code (C, T, 1) → (C, count + T, 1)}
 * (a vision transformer's class token). Pruning slices the tokens with the channels.
 */
public final class PrependTokensOp implements Op {

    public static final String TYPE = "prepend-tokens";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR = new OpDescriptor(TYPE, PrependTokensOp.class,
            a -> new PrependTokensOp(a.getInt("count")), ChannelRules.perChannel("tokens"));

    private final int count;

    public PrependTokensOp(int count) {
        ShapeChecks.positive("prepended tokens", count);
        this.count = count;
    }

    public int count() {
        return count;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = ShapeChecks.image(inputs);
        if (in.get(2) != 1) {
            throw new IllegalArgumentException("tokens are (C, T, 1), got " + in);
        }
        return new Shape(in.get(0), in.get(1) + count, 1);
    }

    @Override
    public List<ParamSpec> parameters(List<Shape> inputs) {
        return List.of(ParamSpec.weight("tokens", new Shape(inputs.get(0).get(0), count, 1), ParamSpec.Init.EMBEDDING_NORMAL));
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        NDArray x = inputs.get(0);
        NDArray tokens = params.get("tokens");
        try (NDArray one = tokens.expandDims(0);
                NDArray batch = one.broadcast(new Shape(x.getShape().get(0)).addAll(tokens.getShape()))) {
            return NDArrays.concat(new NDList(batch, x), 2);
        }
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("count", count);
    }

    @Override
    public String toString() {
        return TYPE + "(" + count + ")";
    }
}
