package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import org.prune4j.engine.Scalars;
import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.OpRegistry;
import org.prune4j.graph.Op;
import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.OpDescriptor;

import java.util.List;
import java.util.Map;

/**
 * {@code x·scale + shift} with scalar constants: what imported graphs write as Mul, Add, Sub or
 * Div with a number (e.g. input normalization, a hard-sigmoid spelled out).
 */
public final class ScaleShiftOp implements Op {

    public static final String TYPE = "scale-shift";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR =
            new OpDescriptor(TYPE, ScaleShiftOp.class, ScaleShiftOp::fromAttributes, ChannelRules.PASS_THROUGH);

    private final double scale;
    private final double shift;

    public ScaleShiftOp(double scale, double shift) {
        if (!Double.isFinite(scale) || !Double.isFinite(shift)) {
            throw new IllegalArgumentException("scale and shift must be finite, got " + scale + " and " + shift);
        }
        this.scale = scale;
        this.shift = shift;
    }

    public double scale() {
        return scale;
    }

    public double shift() {
        return shift;
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
        NDArray scaled = scale == 1 ? x.duplicate() : Scalars.times(x, scale);
        if (shift == 0) {
            return scaled;
        }
        try (scaled) {
            return Scalars.plus(scaled, shift);
        }
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("scale", scale, "shift", shift);
    }

    public static ScaleShiftOp fromAttributes(OpRegistry.Attributes a) {
        return new ScaleShiftOp(a.getDouble("scale"), a.getDouble("shift"));
    }

    @Override
    public String toString() {
        return "x*" + scale + "+" + shift;
    }
}
