package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import org.prune4j.engine.Scalars;
import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.OpDescriptor;
import org.prune4j.graph.OpRegistry;

import java.util.List;
import java.util.Map;

/**
 * Layer normalization across the channels, at every position: {@code (x - mean_c x) / sqrt(var_c x + eps)}
 * (ConvNeXt's LayerNorm2d; a transformer's LayerNorm over the features). The scale and shift
 * follow as a {@link ChannelAffineOp}. Every output channel depends on every input channel, so
 * the channels on both sides are never pruned (a removed channel would change the statistics).
 */
public final class LayerNormOp implements Op {

    public static final String TYPE = "layer-norm";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR = new OpDescriptor(TYPE, LayerNormOp.class, LayerNormOp::fromAttributes,
            ChannelRules.fixedAround("layer norm", "normalizes across all channels"));

    private final float epsilon;

    public LayerNormOp(float epsilon) {
        if (!(epsilon > 0) || !Float.isFinite(epsilon)) {
            throw new IllegalArgumentException("layer norm epsilon must be positive, got " + epsilon);
        }
        this.epsilon = epsilon;
    }

    public float epsilon() {
        return epsilon;
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
        try (NDArray mean = x.mean(new int[] {1}, true); NDArray centered = x.sub(mean);
                NDArray squared = centered.square(); NDArray variance = squared.mean(new int[] {1}, true);
                NDArray shifted = Scalars.plus(variance, epsilon); NDArray std = shifted.sqrt()) {
            return centered.div(std);
        }
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("epsilon", (double) epsilon);
    }

    public static LayerNormOp fromAttributes(OpRegistry.Attributes a) {
        return new LayerNormOp((float) a.getDouble("epsilon"));
    }

    @Override
    public String toString() {
        return TYPE + "(eps=" + epsilon + ")";
    }
}
