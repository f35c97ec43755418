package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.ChannelCoupling;
import org.prune4j.graph.ChannelRule;
import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.OpDescriptor;
import org.prune4j.graph.OpRegistry;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * Channels {@code start .. end-1} of its input (ShuffleNet's and GhostNet's split of a tensor in
 * two): output channel i is input channel start + i. Pruning the input moves the bounds by the
 * channels removed before them, so the slice keeps exactly its surviving channels.
 */
public final class SliceOp implements Op {

    public static final String TYPE = "slice";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR =
            new OpDescriptor(TYPE, SliceOp.class, SliceOp::fromAttributes, new SliceRule());

    private final int start;
    private final int end;

    public SliceOp(int start, int end) {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("a channel slice needs 0 <= start < end, got " + start + ".." + end);
        }
        this.start = start;
        this.end = end;
    }

    public int start() {
        return start;
    }

    public int end() {
        return end;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = inputs.get(0);
        if (end > in.get(0)) {
            throw new IllegalArgumentException("slice " + start + ".." + end + " reaches past the input's "
                    + in.get(0) + " channels");
        }
        long[] dims = in.getShape().clone();
        dims[0] = end - start;
        return new Shape(dims);
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        return inputs.get(0).get(new NDIndex(":, " + start + ":" + end));
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("start", start, "end", end);
    }

    public static SliceOp fromAttributes(OpRegistry.Attributes a) {
        return new SliceOp(a.getInt("start"), a.getInt("end"));
    }

    @Override
    public String toString() {
        return TYPE + "(" + start + ":" + end + ")";
    }

    private static final class SliceRule implements ChannelRule {
        @Override
        public void couple(Node node, Graph graph, ChannelCoupling c) {
            SliceOp slice = (SliceOp) node.op();
            for (int i = 0; i < slice.end - slice.start; i++) {
                c.couple(node.name(), i, node.inputs().get(0), slice.start + i);
            }
        }

        @Override
        public Op resize(Op op, List<Shape> newInputs, long newOutputChannels, List<SortedSet<Integer>> removed) {
            SliceOp slice = (SliceOp) op;
            int beforeStart = removed.get(0).headSet(slice.start).size();
            int beforeEnd = removed.get(0).headSet(slice.end).size();
            return new SliceOp(slice.start - beforeStart, slice.end - beforeEnd);
        }
    }
}
