package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.OpDescriptor;

import java.util.List;
import java.util.Map;

/**
 * Every {@code step}-th row (or column) of an image from {@code start}: {@code x[:, start::step, :]}
 * or {@code x[:, :, start::step]}. Swin's patch merging takes the four 2×2 phases of the image this
 * way and concatenates them along the channels. Channels pass through unchanged.
 */
public final class StridedSliceOp implements Op {

    public static final String TYPE = "strided-slice";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR = new OpDescriptor(TYPE, StridedSliceOp.class,
            a -> new StridedSliceOp(Axis.valueOf(a.getString("axis")), a.getInt("start"), a.getInt("step")),
            ChannelRules.PASS_THROUGH);

    /** The image axis sliced. */
    public enum Axis { HEIGHT, WIDTH }

    private final Axis axis;
    private final int start;
    private final int step;

    public StridedSliceOp(Axis axis, int start, int step) {
        if (axis == null) {
            throw new IllegalArgumentException("a strided slice needs an axis (HEIGHT or WIDTH)");
        }
        ShapeChecks.nonNegative("strided slice start", start);
        ShapeChecks.positive("strided slice step", step);
        this.axis = axis;
        this.start = start;
        this.step = step;
    }

    public Axis axis() {
        return axis;
    }

    public int start() {
        return start;
    }

    public int step() {
        return step;
    }

    /** The axis in an (N, C, H, W) batch. */
    public int batchAxis() {
        return axis == Axis.HEIGHT ? 2 : 3;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = ShapeChecks.image(inputs);
        long size = in.get(batchAxis() - 1);
        if (start >= size) {
            throw new IllegalArgumentException("strided slice starts at " + start + " of an image " + size + " "
                    + axis.name().toLowerCase() + " long");
        }
        long[] dims = in.getShape().clone();
        dims[batchAxis() - 1] = (size - start + step - 1) / step;
        return new Shape(dims);
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        String range = start + "::" + step;
        return inputs.get(0).get(new NDIndex(axis == Axis.HEIGHT ? ":, :, " + range : ":, :, :, " + range));
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("axis", axis.name(), "start", start, "step", step);
    }

    @Override
    public String toString() {
        return TYPE + "(" + axis.name().toLowerCase() + ", " + start + "::" + step + ")";
    }
}
