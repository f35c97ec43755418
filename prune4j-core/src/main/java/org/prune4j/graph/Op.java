package org.prune4j.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import java.util.List;
import java.util.Map;

/**
 * One operation type of the model graph: how it infers its output shape, which parameters it
 * owns, how it computes, and what it costs.
 *
 * <p>Shapes are per sample (no batch axis): {@code (C, H, W)} for images, {@code (F)} for
 * features. Ops are immutable values; pruning makes a new op with new sizes.
 */
public interface Op {

    /** The registry name of this op type, e.g. {@code "conv2d"}; stored in checkpoints. */
    String type();

    /**
     * Infers the per-sample output shape.
     *
     * @throws IllegalArgumentException with a message saying which input is wrong and what was
     *     expected; the graph builder prefixes it with the node's name
     */
    Shape outputShape(List<Shape> inputs);

    /** The parameters and buffers this op needs for the given input shapes. */
    default List<ParamSpec> parameters(List<Shape> inputs) {
        return List.of();
    }

    /** Computes the op on a batch; {@code params} holds this node's parameters by name. */
    NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training);

    /** Multiply-accumulate operations per sample (conv and linear layers; zero elsewhere). */
    default long macs(List<Shape> inputs, Shape output) {
        return 0;
    }

    /** The op's settings, enough to rebuild it with {@link OpRegistry#create}. */
    Map<String, Object> attributes();

    /** How many inputs the op takes; {@link #VARIADIC} for two or more. */
    default int arity() {
        return 1;
    }

    int VARIADIC = -1;
}
