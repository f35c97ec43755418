package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import org.prune4j.engine.Engines;
import org.prune4j.engine.Scalars;
import org.prune4j.graph.ChannelCoupling;
import org.prune4j.graph.ChannelRule;
import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.Op;
import org.prune4j.graph.OpDescriptor;
import org.prune4j.graph.ParamAxes;
import org.prune4j.graph.ParamSpec;
import org.prune4j.graph.NodeParameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Swin's shifted-window multi-head self-attention on images: inputs q, k, v, each
 * {@code (C, H, W)} with {@code C = heads · headDim}. The image is rolled up and left by the
 * shift, cut into non-overlapping {@code window × window} windows, and every window attends
 * within itself, per head: {@code softmax(scale · q kᵀ + bias_h + mask) v}, where {@code bias_h}
 * is the head's learned relative-position bias and the mask keeps regions that the roll brought
 * together from attending to each other (as torchvision's {@code shifted_window_attention}).
 * The result is rolled back. As in {@link AttentionOp}, a head (its q, k, v and output channels
 * and its bias) is one removable unit.
 */
public final class WindowAttentionOp implements Op {

    public static final String TYPE = "window-attention";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR = new OpDescriptor(TYPE, WindowAttentionOp.class,
            a -> new WindowAttentionOp(a.getInt("headDim"), a.getDouble("scale"), a.getInt("window"),
                    a.getInt("shiftH"), a.getInt("shiftW")),
            new HeadRule());

    /** torchvision's value where regions brought together by the roll meet: softmax makes it 0. */
    private static final float MASKED = -100f;

    private final int headDim;
    private final double scale;
    private final int window;
    private final int shiftH;
    private final int shiftW;

    public WindowAttentionOp(int headDim, double scale, int window, int shiftH, int shiftW) {
        ShapeChecks.positive("attention head dimension", headDim);
        ShapeChecks.positive("attention window", window);
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("attention scale must be positive, got " + scale);
        }
        if (shiftH < 0 || shiftH >= window || shiftW < 0 || shiftW >= window) {
            throw new IllegalArgumentException("window shifts must be in 0.." + (window - 1) + ", got " + shiftH
                    + " and " + shiftW);
        }
        this.headDim = headDim;
        this.scale = scale;
        this.window = window;
        this.shiftH = shiftH;
        this.shiftW = shiftW;
    }

    public int headDim() {
        return headDim;
    }

    public double scale() {
        return scale;
    }

    public int window() {
        return window;
    }

    public int shiftH() {
        return shiftH;
    }

    public int shiftW() {
        return shiftW;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public int arity() {
        return 3;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape q = ShapeChecks.queryKeyValue(inputs, "(C, H, W)");
        if (q.get(0) % headDim != 0) {
            throw new IllegalArgumentException("window attention needs channels that are a multiple of the head "
                    + "dimension " + headDim + ", got " + q);
        }
        if (q.get(1) % window != 0 || q.get(2) % window != 0) {
            throw new IllegalArgumentException("window attention needs a height and width that are multiples of the "
                    + "window " + window + ", got " + q);
        }
        return q;
    }

    /** The relative-position bias of each head, already gathered to (heads, T, T) for T = window² tokens. */
    @Override
    public List<ParamSpec> parameters(List<Shape> inputs) {
        long tokens = (long) window * window;
        return List.of(ParamSpec.weight("bias", new Shape(inputs.get(0).get(0) / headDim, tokens, tokens),
                ParamSpec.Init.ZEROS));
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        Shape s = inputs.get(0).getShape(); // (N, C, H, W)
        long n = s.get(0);
        long heads = s.get(1) / headDim;
        long h = s.get(2);
        long w = s.get(3);
        List<NDArray> temporary = new ArrayList<>();
        try {
            NDArray q = windows(inputs.get(0), heads, temporary);
            NDArray k = windows(inputs.get(1), heads, temporary);
            NDArray v = windows(inputs.get(2), heads, temporary);
            NDArray scores = keep(temporary, Scalars.times(keep(temporary, q.matMul(keep(temporary, k.transpose(0, 1, 3, 2)))),
                    scale));
            NDArray biased = keep(temporary, scores.add(params.get("bias")));
            if (shiftH > 0 || shiftW > 0) {
                long count = (h / window) * (w / window);
                long tokens = (long) window * window;
                NDArray mask = keep(temporary, keep(temporary, Engines.create(biased.getManager(), mask(h, w),
                        new Shape(count, 1, tokens, tokens))).toType(biased.getDataType(), false));
                NDArray perImage = keep(temporary, biased.reshape(n, count, heads, tokens, tokens));
                biased = keep(temporary, keep(temporary, perImage.add(mask)).reshape(n * count, heads, tokens, tokens));
            }
            NDArray mixed = keep(temporary, keep(temporary, biased.softmax(-1)).matMul(v)); // (N·windows, heads, T, hd)
            NDArray split = keep(temporary, mixed.reshape(n, h / window, w / window, heads, window, window, headDim));
            NDArray image = keep(temporary, keep(temporary, split.transpose(0, 3, 6, 1, 4, 2, 5)).reshape(n, heads * headDim, h, w));
            NDArray out = roll(image, shiftH, shiftW, temporary);
            temporary.removeIf(a -> a == out);
            return out;
        } finally {
            temporary.forEach(NDArray::close);
        }
    }

    /** (N, C, H, W) rolled back by the shift, cut into (N·windows, heads, window², headDim). */
    private NDArray windows(NDArray x, long heads, List<NDArray> temporary) {
        Shape s = x.getShape();
        long h = s.get(2);
        long w = s.get(3);
        NDArray rolled = roll(x, h - shiftH, w - shiftW, temporary);
        if (rolled != x) {
            temporary.add(rolled);
        }
        NDArray split = keep(temporary, rolled.reshape(s.get(0), heads, headDim, h / window, window, w / window, window));
        NDArray ordered = keep(temporary, split.transpose(0, 3, 5, 1, 4, 6, 2));
        return keep(temporary, ordered.reshape(-1, heads, (long) window * window, headDim));
    }

    /** torch.roll along height and width by {@code down} and {@code right} (x itself when both are 0 mod size). */
    private static NDArray roll(NDArray x, long down, long right, List<NDArray> temporary) {
        NDArray out = rollAxis(x, 2, down, temporary);
        NDArray next = rollAxis(out, 3, right, temporary);
        if (out != x && next != out) {
            temporary.add(out);
        }
        return next;
    }

    private static NDArray rollAxis(NDArray x, int axis, long by, List<NDArray> temporary) {
        long size = x.getShape().get(axis);
        long cut = size - Math.floorMod(by, size);
        if (cut == size) {
            return x;
        }
        String before = axis == 2 ? ":, :, " : ":, :, :, ";
        NDArray tail = keep(temporary, x.get(new NDIndex(before + cut + ":")));
        NDArray head = keep(temporary, x.get(new NDIndex(before + ":" + cut)));
        return NDArrays.concat(new NDList(tail, head), axis);
    }

    private static NDArray keep(List<NDArray> temporary, NDArray a) {
        temporary.add(a);
        return a;
    }

    /**
     * (windows, T, T): 0 where two tokens of a window come from the same region of the rolled
     * image, {@link #MASKED} where the roll brought them together from opposite edges.
     */
    public float[] mask(long h, long w) {
        int countH = (int) (h / window);
        int countW = (int) (w / window);
        int tokens = window * window;
        float[] mask = new float[countH * countW * tokens * tokens];
        int[] region = new int[tokens];
        for (int wi = 0; wi < countH; wi++) {
            for (int wj = 0; wj < countW; wj++) {
                for (int t = 0; t < tokens; t++) {
                    long row = (long) wi * window + t / window;
                    long col = (long) wj * window + t % window;
                    region[t] = 3 * region(row, h, shiftH) + region(col, w, shiftW);
                }
                int offset = (wi * countW + wj) * tokens * tokens;
                for (int a = 0; a < tokens; a++) {
                    for (int b = 0; b < tokens; b++) {
                        mask[offset + a * tokens + b] = region[a] == region[b] ? 0f : MASKED;
                    }
                }
            }
        }
        return mask;
    }

    /** Which of torchvision's three slices {@code [0, -window), [-window, -shift), [-shift, end)} holds i. */
    private int region(long i, long size, int shift) {
        if (shift == 0) {
            return 0;
        }
        return i < size - window ? 0 : i < size - shift ? 1 : 2;
    }

    @Override
    public long macs(List<Shape> inputs, Shape output) {
        long c = output.get(0);
        long positions = output.get(1) * output.get(2);
        return 2 * c * positions * window * window; // scores and the weighted sum, every head and window
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("headDim", headDim, "scale", scale, "window", window, "shiftH", shiftH, "shiftW", shiftW);
    }

    @Override
    public String toString() {
        return TYPE + "(headDim=" + headDim + ", window=" + window + ", shift=" + shiftH + "," + shiftW + ")";
    }

    /** As {@link AttentionOp}'s rule: a head's channels of q, k, v and the output go together, and so does its bias. */
    private static final class HeadRule implements ChannelRule {
        @Override
        public void couple(Node node, Graph graph, ChannelCoupling c) {
            AttentionOp.coupleHeads(node, graph, c, ((WindowAttentionOp) node.op()).headDim);
        }

        @Override
        public List<ParamAxes> parameterAxes(Op op) {
            return List.of(ParamAxes.outputBlocks("bias", 0, ((WindowAttentionOp) op).headDim));
        }
    }
}
