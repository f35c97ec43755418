package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.OpDescriptor;
import org.prune4j.graph.OpRegistry;

import java.util.List;
import java.util.Map;

/**
 * Averages each channel over height and width: {@code (C, H, W) -> (C)}, or {@code (C, 1, 1)}
 * with {@code keepDims} (for channel-wise gates such as squeeze-and-excitation).
 */
public final class GlobalAvgPoolOp implements Op {

    public static final String TYPE = "global-avg-pool";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR =
            new OpDescriptor(TYPE, GlobalAvgPoolOp.class, GlobalAvgPoolOp::fromAttributes, ChannelRules.PASS_THROUGH);

    private final boolean keepDims;

    public GlobalAvgPoolOp() {
        this(false);
    }

    public GlobalAvgPoolOp(boolean keepDims) {
        this.keepDims = keepDims;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        long c = ShapeChecks.image(inputs).get(0);
        return keepDims ? new Shape(c, 1, 1) : new Shape(c);
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        NDArray pooled = Pool.globalAvgPool2d(inputs.get(0));
        if (!keepDims) {
            return pooled;
        }
        try (pooled) {
            return pooled.reshape(pooled.getShape().get(0), pooled.getShape().get(1), 1, 1);
        }
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("keepDims", keepDims);
    }

    public static GlobalAvgPoolOp fromAttributes(OpRegistry.Attributes a) {
        return new GlobalAvgPoolOp(a.getBoolean("keepDims"));
    }

    @Override
    public String toString() {
        return TYPE;
    }
}
