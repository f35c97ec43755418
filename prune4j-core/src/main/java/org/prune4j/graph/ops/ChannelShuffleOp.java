package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.OpRegistry;
import org.prune4j.graph.Op;
import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.OpDescriptor;

import java.util.List;
import java.util.Map;

/**
 * ShuffleNet's channel shuffle, {@code (g·k, H, W) → (k·g, H, W)} by transposing the group and
 * channel axes: what an imported Reshape → Transpose → Reshape becomes. Structured pruning leaves
 * the channels around it untouched (the permutation would have to be re-derived).
 */
public final class ChannelShuffleOp implements Op {

    public static final String TYPE = "channel-shuffle";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR =
            new OpDescriptor(TYPE, ChannelShuffleOp.class, ChannelShuffleOp::fromAttributes,
            ChannelRules.fixedAround("channel shuffle", "permutes channels"));

    private final int groups;

    public ChannelShuffleOp(int groups) {
        ShapeChecks.positive("shuffle groups", groups);
        this.groups = groups;
    }

    public int groups() {
        return groups;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = ShapeChecks.image(inputs);
        if (in.get(0) % groups != 0) {
            throw new IllegalArgumentException("channels " + in.get(0) + " are not divisible by " + groups + " groups");
        }
        return in;
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        NDArray x = inputs.get(0);
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        try (NDArray grouped = x.reshape(n, groups, c / groups, s.get(2), s.get(3));
                NDArray swapped = grouped.transpose(0, 2, 1, 3, 4)) {
            return swapped.reshape(n, c, s.get(2), s.get(3));
        }
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("groups", groups);
    }

    public static ChannelShuffleOp fromAttributes(OpRegistry.Attributes a) {
        return new ChannelShuffleOp(a.getInt("groups"));
    }

    @Override
    public String toString() {
        return TYPE + "(" + groups + ")";
    }
}
