package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

import org.prune4j.engine.Scalars;
import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.OpDescriptor;
import org.prune4j.graph.OpRegistry;

import java.util.Locale;
import java.util.Map;

/** An elementwise activation function; channel counts pass through unchanged. */
public final class ActivationOp implements Op {

    public static final String TYPE = "activation";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR =
            new OpDescriptor(TYPE, ActivationOp.class, ActivationOp::fromAttributes, ChannelRules.PASS_THROUGH);

    /** The supported functions. */
    public enum Kind {
        RELU, RELU6, SIGMOID, HARD_SIGMOID, HARD_SWISH, SILU, GELU;

        /** Parses names such as {@code relu6} or {@code hard-swish}. */
        public static Kind parse(String name) {
            String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (Kind k : values()) {
                if (k.name().equals(n) || k.name().replace("_", "").equals(n)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown activation '" + name
                    + "'; known are relu, relu6, sigmoid, hard-sigmoid, hard-swish, silu, gelu");
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Kind kind;

    public ActivationOp(Kind kind) {
        this.kind = kind;
    }

    public static ActivationOp relu() {
        return new ActivationOp(Kind.RELU);
    }

    public Kind kind() {
        return kind;
    }

    /** ReLU or ReLU6: zero below 0, so a unit can be dead (never positive) or stable under bounds. */
    public boolean isRectifier() {
        return kind == Kind.RELU || kind == Kind.RELU6;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Shape outputShape(java.util.List<Shape> inputs) {
        return inputs.get(0);
    }

    @Override
    public NDArray forward(java.util.List<NDArray> inputs, NodeParameters params, boolean training) {
        NDArray x = inputs.get(0);
        switch (kind) {
            case RELU:
                return Activation.relu(x);
            case RELU6:
                return x.clip(0, 6);   // not Activation.relu6: see Scalars
            case SIGMOID:
                return Activation.sigmoid(x);
            case HARD_SIGMOID:
                // relu6(x + 3) / 6, as torch.nn.Hardsigmoid (ONNX HardSigmoid with alpha 1/6, beta 0.5)
                try (NDArray shifted = Scalars.plus(x, 3); NDArray gate = shifted.clip(0, 6)) {
                    return Scalars.dividedBy(gate, 6);
                }
            case SILU:
                try (NDArray gate = Activation.sigmoid(x)) {   // not Activation.swish: see Scalars
                    return x.mul(gate);
                }
            case HARD_SWISH:
                // x * relu6(x + 3) / 6, as torch.nn.Hardswish
                try (NDArray shifted = Scalars.plus(x, 3); NDArray gate = shifted.clip(0, 6);
                        NDArray gated = x.mul(gate)) {
                    return Scalars.dividedBy(gated, 6);
                }
            case GELU:
                return Activation.gelu(x); // the exact form, x·Φ(x), as torch.nn.GELU()
            default:
                throw new IllegalStateException("unhandled activation " + kind);
        }
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("kind", kind.label());
    }

    public static ActivationOp fromAttributes(OpRegistry.Attributes a) {
        return new ActivationOp(Kind.parse(a.getString("kind")));
    }

    @Override
    public String toString() {
        return kind.label();
    }
}
