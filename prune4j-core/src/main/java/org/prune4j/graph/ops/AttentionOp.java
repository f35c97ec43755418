package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import org.prune4j.engine.Scalars;
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

/**
 * Multi-head scaled dot-product attention over token sequences: inputs q, k, v, each
 * {@code (D, T, 1)} with {@code D = heads · headDim}; head h takes channels
 * {@code h·headDim ..} of each and writes the same channels of the output,
 * {@code softmax(scale · q_hᵀ k_h) v_h}. A head is one removable unit: its channels of q, k, v
 * and of the output go together (the projections around it shrink with them), and the scale
 * stays the one the model was trained with.
 */
public final class AttentionOp implements Op {

    public static final String TYPE = "attention";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR = new OpDescriptor(TYPE, AttentionOp.class,
            a -> new AttentionOp(a.getInt("headDim"), a.getDouble("scale")), AttentionOp::couple);

    private final int headDim;
    private final double scale;

    public AttentionOp(int headDim, double scale) {
        ShapeChecks.positive("attention head dimension", headDim);
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("attention scale must be positive, got " + scale);
        }
        this.headDim = headDim;
        this.scale = scale;
    }

    public int headDim() {
        return headDim;
    }

    public double scale() {
        return scale;
    }

    private static void couple(Node node, Graph graph, ChannelCoupling c) {
        coupleHeads(node, graph, c, ((AttentionOp) node.op()).headDim);
    }

    /** Head h: q, k, v and output channels h·headDim .. (h+1)·headDim - 1, all one removable unit. */
    static void coupleHeads(Node node, Graph graph, ChannelCoupling c, int headDim) {
        long channels = graph.shapeOf(node.name()).get(0);
        for (int first = 0; first < channels; first += headDim) {
            for (int i = 0; i < headDim; i++) {
                c.couple(node.name(), first, node.name(), first + i);
                for (String in : node.inputs()) {
                    c.couple(node.name(), first, in, first + i);
                }
            }
        }
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
        Shape q = ShapeChecks.queryKeyValue(inputs, "(D, T, 1)");
        if (q.get(2) != 1 || q.get(0) % headDim != 0) {
            throw new IllegalArgumentException("attention needs (D, T, 1) with D a multiple of the head dimension "
                    + headDim + ", got " + q);
        }
        return q;
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        Shape s = inputs.get(0).getShape(); // (N, D, T, 1)
        long n = s.get(0);
        long heads = s.get(1) / headDim;
        long t = s.get(2);
        try (NDArray q = inputs.get(0).reshape(n, heads, headDim, t); NDArray qt = q.transpose(0, 1, 3, 2);
                NDArray k = inputs.get(1).reshape(n, heads, headDim, t); NDArray v = inputs.get(2).reshape(n, heads, headDim, t);
                NDArray scores = qt.matMul(k); NDArray scaled = Scalars.times(scores, scale);
                NDArray weights = scaled.softmax(-1); NDArray weightsT = weights.transpose(0, 1, 3, 2);
                NDArray out = v.matMul(weightsT)) { // (N, H, headDim, T): out[d, t] = Σ_s w[t, s] v[d, s]
            return out.reshape(n, heads * headDim, t, 1);
        }
    }

    @Override
    public long macs(List<Shape> inputs, Shape output) {
        long d = output.get(0);
        long t = output.get(1);
        return 2 * d * t * t; // scores and the weighted sum, every head
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("headDim", headDim, "scale", scale);
    }

    @Override
    public String toString() {
        return TYPE + "(headDim=" + headDim + ")";
    }
}
