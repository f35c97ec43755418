package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.OpDescriptor;
import org.prune4j.graph.ParamSpec;

import java.util.List;
import java.util.Map;

/**
 * {@code x·scale[c] + shift[c]} per channel, scale and shift trainable: what an
 * imported graph writes as Mul/Add/Sub/Div with a per-channel constant, e.g. {@code (x - mean) / std}
 * over the colour channels. Pruning slices both with the channels.
 */
public final class ChannelAffineOp implements Op {

    public static final String TYPE = "channel-affine";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR =
            new OpDescriptor(TYPE, ChannelAffineOp.class, a -> new ChannelAffineOp(),
            ChannelRules.perChannel("scale", "shift"));

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
        Shape c = new Shape(inputs.get(0).get(0));
        // trainable: an imported per-channel Add is often a bias, and fine-tuning should adjust it
        return List.of(ParamSpec.weight("scale", c, ParamSpec.Init.ONES), ParamSpec.weight("shift", c, ParamSpec.Init.ZEROS));
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        NDArray x = inputs.get(0);
        long c = x.getShape().get(1);
        Shape perChannel = x.getShape().dimension() == 4 ? new Shape(1, c, 1, 1) : new Shape(1, c);
        try (NDArray scale = params.get("scale").reshape(perChannel); NDArray shift = params.get("shift").reshape(perChannel)) {
            return x.mul(scale).addi(shift);
        }
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
