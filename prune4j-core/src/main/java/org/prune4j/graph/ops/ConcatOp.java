package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.Node;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ChannelCoupling;
import org.prune4j.graph.OpDescriptor;

import java.util.List;
import java.util.Map;

/** Concatenation along the channel axis; input k's channels follow those of inputs 0..k-1. */
public final class ConcatOp implements Op {

    public static final String TYPE = "concat";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR =
            new OpDescriptor(TYPE, ConcatOp.class, a -> new ConcatOp(), ConcatOp::couple);

    /** Channel i of the k-th input is channel (channels of the inputs before it) + i of the output. */
    private static void couple(Node node, Graph graph, ChannelCoupling c) {
        int offset = 0;
        for (String in : node.inputs()) {
            long channels = graph.shapeOf(in).get(0);
            for (int i = 0; i < channels; i++) {
                c.couple(node.name(), offset + i, in, i);
            }
            offset += (int) channels;
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public int arity() {
        return VARIADIC;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape first = inputs.get(0);
        long channels = 0;
        for (int i = 0; i < inputs.size(); i++) {
            Shape s = inputs.get(i);
            boolean sameRest = s.dimension() == first.dimension()
                    && s.slice(1).equals(first.slice(1));
            if (!sameRest) {
                throw new IllegalArgumentException("inputs may differ only in channels; input 0 is "
                        + first + " but input " + i + " is " + s);
            }
            channels += s.get(0);
        }
        long[] dims = first.getShape().clone();
        dims[0] = channels;
        return new Shape(dims);
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        return ai.djl.ndarray.NDArrays.concat(new NDList(inputs), 1);
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
