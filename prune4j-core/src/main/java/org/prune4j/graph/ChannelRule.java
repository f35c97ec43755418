package org.prune4j.graph;

import ai.djl.ndarray.types.Shape;


import java.util.List;

/** How one op type passes channel indices, and how it shrinks when channels go. */
public interface ChannelRule {

    /** Declares the op's couplings between its inputs' and its output's channels. */
    void couple(Node node, Graph graph, ChannelCoupling coupling);

    /** Which parameter axes follow the output's or the first input's channels. */
    default List<ParamAxes> parameterAxes(Op op) {
        return List.of();
    }

    /** The op for the new input shapes and output channel count (unchanged for most ops). */
    default Op resize(Op op, List<Shape> newInputs, long newOutputChannels) {
        return op;
    }
}
