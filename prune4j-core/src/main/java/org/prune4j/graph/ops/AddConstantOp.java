package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.OpDescriptor;
import org.prune4j.graph.ParamSpec;

import java.util.List;
import java.util.Map;

/**
 * {@code x + value}, with a trainable value of the input's own shape (a vision transformer's
 * position embedding: one vector per token). Pruning slices it with the channels.
 */
public final class AddConstantOp implements Op {

    public static final String TYPE = "add-constant";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR =
            new OpDescriptor(TYPE, AddConstantOp.class, a -> new AddConstantOp(), ChannelRules.perChannel("value"));

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        return inputs.get(0);
    }

    @Override
    public List<ParamSpec> parameters(List<Shape> inputs) {
        return List.of(ParamSpec.weight("value", inputs.get(0), ParamSpec.Init.EMBEDDING_NORMAL));
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        return inputs.get(0).add(params.get("value")); // broadcast over the batch
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
