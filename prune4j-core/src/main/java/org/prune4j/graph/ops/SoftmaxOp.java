package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;

import java.util.List;
import java.util.Map;

/** Softmax over the features of a {@code (F)} sample (imported classifiers often end with one). */
public final class SoftmaxOp implements Op {

    public static final String TYPE = "softmax";

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
