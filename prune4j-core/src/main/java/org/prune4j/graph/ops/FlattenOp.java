package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.Node;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ChannelCoupling;
import org.prune4j.graph.OpDescriptor;

import java.util.List;
import java.util.Map;

/** {@code (C, H, W) -> (C*H*W)}, channel-major, so channel c owns features [c*H*W, (c+1)*H*W). */
public final class FlattenOp implements Op {

    public static final String TYPE = "flatten";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR =
            new OpDescriptor(TYPE, FlattenOp.class, a -> new FlattenOp(), FlattenOp::couple);

    /** Channel c of an image becomes the block of features [c*H*W, (c+1)*H*W). */
    private static void couple(Node node, Graph graph, ChannelCoupling c) {
        String in = node.inputs().get(0);
        Shape s = graph.shapeOf(in);
        long block = s.dimension() == 3 ? s.get(1) * s.get(2) : 1;
        for (int ch = 0; ch < s.get(0); ch++) {
            for (int j = 0; j < block; j++) {
                c.couple(node.name(), (int) (ch * block + j), in, ch);
            }
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        return new Shape(inputs.get(0).size());
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        NDArray x = inputs.get(0);
        return x.reshape(x.getShape().get(0), -1);
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
