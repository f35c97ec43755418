package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.Node;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ChannelCoupling;
import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.OpDescriptor;

import java.util.List;
import java.util.Map;

/** Softmax over the features of a {@code (F)} sample (imported classifiers often end with one). */
public final class SoftmaxOp implements Op {

    public static final String TYPE = "softmax";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR =
            new OpDescriptor(TYPE, SoftmaxOp.class, a -> new SoftmaxOp(), SoftmaxOp::couple);

    /** A final softmax passes the (never pruned) logits through; anywhere else it mixes all features. */
    private static void couple(Node node, Graph graph, ChannelCoupling c) {
        if (node.name().equals(graph.outputName())) {
            ChannelRules.PASS_THROUGH.couple(node, graph, c);
        } else {
            ChannelRules.fixedAround("softmax", "mixes all features").couple(node, graph, c);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        if (inputs.get(0).dimension() != 1) {
            throw new IllegalArgumentException("softmax takes features (F), got " + inputs.get(0));
        }
        return inputs.get(0);
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        return inputs.get(0).softmax(1);
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
