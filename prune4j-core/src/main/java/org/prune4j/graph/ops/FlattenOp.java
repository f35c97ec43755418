package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;

import java.util.List;
import java.util.Map;

/** {@code (C, H, W) -> (C*H*W)}, channel-major, so channel c owns features [c*H*W, (c+1)*H*W). */
public final class FlattenOp implements Op {

    public static final String TYPE = "flatten";

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
