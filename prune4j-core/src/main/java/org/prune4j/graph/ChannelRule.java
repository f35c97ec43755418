package org.prune4j.graph;

import ai.djl.ndarray.types.Shape;

import java.util.List;
import java.util.SortedSet;

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

    /**
     * As {@link #resize(Op, List, long)}, for ops that need to know which channels of each input
     * went (e.g. a channel slice, whose bounds move by the channels removed before them).
     */
    default Op resize(Op op, List<Shape> newInputs, long newOutputChannels, List<SortedSet<Integer>> removedFromInputs) {
        return resize(op, newInputs, newOutputChannels);
    }
}
