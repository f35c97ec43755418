package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.ParamAxes;
import org.prune4j.graph.Node;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ChannelRule;
import org.prune4j.graph.ChannelCoupling;
import org.prune4j.graph.OpDescriptor;
import org.prune4j.graph.OpRegistry;
import org.prune4j.graph.ParamSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fully connected layer: weight {@code (out, in)}, optional bias {@code (out)}. */
public final class LinearOp implements Op {

    public static final String TYPE = "linear";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR =
            new OpDescriptor(TYPE, LinearOp.class, LinearOp::fromAttributes, new LinearChannelRule());

    /** A linear layer creates its output features; its weight's columns follow its input's. */
    private static final class LinearChannelRule implements ChannelRule {
        @Override
        public void couple(Node node, Graph graph, ChannelCoupling c) {
            c.markCreated(node.name());
        }

        @Override
        public List<ParamAxes> parameterAxes(Op op) {
            return ((LinearOp) op).hasBias()
                    ? List.of(ParamAxes.output("weight", 0), ParamAxes.input("weight", 1), ParamAxes.output("bias", 0))
                    : List.of(ParamAxes.output("weight", 0), ParamAxes.input("weight", 1));
        }

        @Override
        public Op resize(Op op, List<Shape> newInputs, long newOutputChannels) {
            return new LinearOp((int) newOutputChannels, ((LinearOp) op).hasBias());
        }
    }

    private final int outFeatures;
    private final boolean bias;

    public LinearOp(int outFeatures) {
        this(outFeatures, true);
    }

    public LinearOp(int outFeatures, boolean bias) {
        ShapeChecks.positive("linear outFeatures", outFeatures);
        this.outFeatures = outFeatures;
        this.bias = bias;
    }

    public int outFeatures() {
        return outFeatures;
    }

    public boolean hasBias() {
        return bias;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        ShapeChecks.features(inputs);
        return new Shape(outFeatures);
    }

    @Override
    public List<ParamSpec> parameters(List<Shape> inputs) {
        List<ParamSpec> specs = new ArrayList<>(2);
        specs.add(ParamSpec.weight("weight", new Shape(outFeatures, inputs.get(0).get(0)),
                ParamSpec.Init.UNIFORM_FAN_IN));
        if (bias) {
            specs.add(ParamSpec.weight("bias", new Shape(outFeatures), ParamSpec.Init.UNIFORM_FAN_IN));
        }
        return specs;
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        return Linear.linear(inputs.get(0), params.get("weight"), params.get("bias")).singletonOrThrow();
    }

    @Override
    public long macs(List<Shape> inputs, Shape output) {
        return inputs.get(0).get(0) * outFeatures;
    }

    @Override
    public Map<String, Object> attributes() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("outFeatures", outFeatures);
        a.put("bias", bias);
        return a;
    }

    public static LinearOp fromAttributes(OpRegistry.Attributes a) {
        return new LinearOp(a.getInt("outFeatures"), a.getBoolean("bias"));
    }

    @Override
    public String toString() {
        return TYPE + attributes();
    }
}
