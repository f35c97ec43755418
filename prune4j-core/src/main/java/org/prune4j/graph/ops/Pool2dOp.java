package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.OpDescriptor;
import org.prune4j.graph.OpRegistry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Max or average pooling over a window (average counts padding, as PyTorch). Floor mode, or for
 * max pooling ceil mode (GoogLeNet's and SqueezeNet's): the last window may run past the input,
 * but never starts in the padding, as in PyTorch and ONNX.
 */
public final class Pool2dOp implements Op {

    public static final String TYPE = "pool2d";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR =
            new OpDescriptor(TYPE, Pool2dOp.class, Pool2dOp::fromAttributes, ChannelRules.PASS_THROUGH);

    /** Pooling function. */
    public enum Kind { MAX, AVG }

    private final Kind kind;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final boolean ceilMode;

    public Pool2dOp(Kind kind, int kernel, int stride, int padding) {
        this(kind, kernel, stride, padding, false);
    }

    public Pool2dOp(Kind kind, int kernel, int stride, int padding, boolean ceilMode) {
        ShapeChecks.positive("pool kernel", kernel);
        ShapeChecks.positive("pool stride", stride);
        ShapeChecks.nonNegative("pool padding", padding);
        if (padding * 2 > kernel) {
            throw new IllegalArgumentException(
                    "pool padding " + padding + " must be at most half the kernel " + kernel);
        }
        this.kind = kind;
        this.kernel = kernel;
        this.stride = stride;
        if (ceilMode && kind != Kind.MAX) {
            throw new IllegalArgumentException("ceil mode is supported for max pooling only");
        }
        this.padding = padding;
        this.ceilMode = ceilMode;
    }

    public static Pool2dOp max(int kernel, int stride) {
        return new Pool2dOp(Kind.MAX, kernel, stride, 0);
    }

    public static Pool2dOp avg(int kernel, int stride) {
        return new Pool2dOp(Kind.AVG, kernel, stride, 0);
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = ShapeChecks.image(inputs);
        return new Shape(in.get(0), size("height", in.get(1)), size("width", in.get(2)));
    }

    private long size(String axis, long in) {
        long floor = ShapeChecks.windowOutput(axis, in, kernel, stride, padding, 1);
        if (!ceilMode || (in + 2L * padding - kernel) % stride == 0) {
            return floor;
        }
        // one more window for the remainder, unless it would start in the right padding
        return floor * stride >= in + padding ? floor : floor + 1;
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        Shape k = new Shape(kernel, kernel);
        Shape s = new Shape(stride, stride);
        Shape p = new Shape(padding, padding);
        return kind == Kind.MAX
                ? Pool.maxPool2d(inputs.get(0), k, s, p, ceilMode)
                : Pool.avgPool2d(inputs.get(0), k, s, p, false, true);
    }

    @Override
    public Map<String, Object> attributes() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("kind", kind.name().toLowerCase(Locale.ROOT));
        a.put("kernel", kernel);
        a.put("stride", stride);
        a.put("padding", padding);
        if (ceilMode) { // absent in floor mode, so checkpoints written before it existed read the same
            a.put("ceilMode", true);
        }
        return a;
    }

    public static Pool2dOp fromAttributes(OpRegistry.Attributes a) {
        return new Pool2dOp(Kind.valueOf(a.getString("kind").toUpperCase(Locale.ROOT)),
                a.getInt("kernel"), a.getInt("stride"), a.getInt("padding"),
                a.values().containsKey("ceilMode") && a.getBoolean("ceilMode"));
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + "pool" + attributes();
    }
}
