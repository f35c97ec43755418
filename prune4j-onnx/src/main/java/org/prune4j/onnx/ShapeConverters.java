package org.prune4j.onnx;

import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import org.prune4j.graph.ops.ChannelShuffleOp;
import org.prune4j.graph.ops.ConcatOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.PrependTokensOp;
import org.prune4j.graph.ops.SelectTokenOp;
import org.prune4j.graph.ops.SliceOp;
import org.prune4j.graph.ops.StridedSliceOp;
import org.prune4j.graph.ops.SpatialFlattenOp;
import org.prune4j.onnx.ImportValue.Act;
import org.prune4j.onnx.ImportValue.ChannelsLast;
import org.prune4j.onnx.ImportValue.Const;
import org.prune4j.onnx.ImportValue.Grouped;
import org.prune4j.onnx.ImportValue.Swapped;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** ONNX import of Concat, Flatten, Reshape, Slice, Transpose (in a channel shuffle), and the shape arithmetic around flattening (Shape, Gather, Squeeze, Unsqueeze) evaluated on constants. */
final class ShapeConverters {

    private ShapeConverters() {}

    static void concat(ImportContext ctx, NodeProto n, int index) {
        List<String> inputs = new ArrayList<>();
        boolean allConst = true;
        for (int i = 0; i < n.getInputCount(); i++) {
            allConst &= ctx.input(n, i) instanceof Const;
        }
        long axis = ImportContext.intAttr(ImportContext.attributes(n), "axis", 0);
        if (allConst) { // shape arithmetic, e.g. [batch, -1] for a flatten
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < n.getInputCount(); i++) {
                for (long v : ((Const) ctx.input(n, i)).longs()) {
                    out.add(v);
                }
            }
            long[] l = out.stream().mapToLong(Long::longValue).toArray();
            ctx.alias(n, new Const(ImportContext.toFloats(l), l, new long[] {l.length}));
            return;
        }
        if (n.getInputCount() == 2 && ctx.input(n, 0) instanceof Const tokens && ctx.input(n, 1) instanceof ChannelsLast cl
                && axis == 1 && tokens.dims().length == 3 && tokens.dims()[0] == 1) {
            long k = tokens.dims()[1];
            String name = ctx.add(n, index, new PrependTokensOp((int) k), cl.node()); // ViT's class token
            ctx.param(name, "tokens", ImportContext.transpose2d(tokens.floats(), new long[] {k, tokens.dims()[2]}));
            ctx.alias(n, new ChannelsLast(name));
            return;
        }
        if (n.getInputCount() == 2 && ctx.input(n, 0) instanceof Const tokens && ctx.input(n, 1) instanceof Act seq
                && axis == 2 && isTokens(ctx.shapeOf(seq.node())) && tokens.dims().length == 3
                && tokens.dims()[0] == ctx.shapeOf(seq.node()).get(0) && tokens.dims()[2] == 1) { // prune4j's own export
            String name = ctx.add(n, index, new PrependTokensOp((int) tokens.dims()[1]), seq.node());
            ctx.param(name, "tokens", tokens.floats());
            return;
        }
        if (n.getInputCount() == 1) { // valid ONNX (DenseNet's first dense block writes it): an identity
            ctx.alias(n, ctx.input(n, 0));
            return;
        }
        if ((axis == 3 || axis == -1) && n.getInputList().stream().allMatch(i -> ctx.valueOf(i) instanceof ChannelsLast)) {
            String[] images = n.getInputList().stream().map(i -> ((ChannelsLast) ctx.valueOf(i)).node()).toArray(String[]::new);
            ctx.alias(n, new ChannelsLast(ctx.add(n, index, new ConcatOp(), images))); // channels of (N, H, W, C)
            return;
        }
        for (int i = 0; i < n.getInputCount(); i++) {
            inputs.add(ctx.act(n, i, index));
        }
        int rank = ctx.shapeOf(inputs.get(0)).dimension() + 1;
        if (axis != 1 && axis != 1 - rank) {
            throw ctx.failAt(n, index, "Concat along axis " + axis + " is not supported; prune4j concatenates channels (axis 1)");
        }
        ctx.add(n, index, new ConcatOp(), inputs.toArray(String[]::new));
    }

    static void flatten(ImportContext ctx, NodeProto n, int index) {
        String in = ctx.act(n, 0, index);
        if (ImportContext.intAttr(ImportContext.attributes(n), "axis", 1) != 1) {
            throw ctx.failAt(n, index, "Flatten with axis " + ImportContext.intAttr(ImportContext.attributes(n), "axis", 1) + " is not supported (axis 1)");
        }
        if (ctx.shapeOf(in).dimension() == 1) {
            ctx.alias(n, new Act(in));
        } else {
            ctx.add(n, index, new FlattenOp(), in);
        }
    }

    static void reshape(ImportContext ctx, NodeProto n, int index) {
        ImportValue x = ctx.input(n, 0);
        long[] target = ctx.constant(n, 1, index).longs();
        if (x instanceof Const c) { // a constant reshaped, e.g. per-channel (C) to (C, 1, 1): fold it
            ctx.alias(n, c.withDims(reshapedConstant(ctx, n, index, c, target)));
            return;
        }
        if (AttentionSteps.reshape(ctx, n, index, x, target)) {
            return;
        }
        if (x instanceof Swapped sw) {
            Shape s = ctx.shapeOf(sw.node());
            long[] resolved = target.length == 4 ? ctx.resolve(target, s) : new long[0];
            if (resolved.length == 4 && resolved[1] == s.get(0) && resolved[2] == s.get(1) && resolved[3] == s.get(2)) {
                ctx.add(n, index, new ChannelShuffleOp((int) sw.groups()), sw.node());
                return;
            }
            throw ctx.failAt(n, index, "a Reshape → Transpose → Reshape that is not a channel shuffle is not supported");
        }
        String in = ctx.act(n, 0, index);
        Shape s = ctx.shapeOf(in);
        long[] resolved = ctx.resolve(target, s);
        if (resolved.length == 2) {
            if (resolved[1] != s.size()) {
                throw ctx.failAt(n, index, "Reshape to " + Arrays.toString(target) + " does not keep the sample size " + s.size());
            }
            if (s.dimension() == 1) {
                ctx.alias(n, new Act(in));
            } else {
                ctx.add(n, index, new FlattenOp(), in);
            }
            return;
        }
        boolean toTokens = s.dimension() == 3 && !isTokens(s) && resolved.length >= 3 && resolved[1] == s.get(0)
                && resolved[2] == s.get(1) * s.get(2) && (resolved.length == 3 || resolved.length == 4 && resolved[3] == 1);
        if (toTokens) {
            ctx.add(n, index, new SpatialFlattenOp(), in); // image positions as tokens (ViT's patch embedding)
            return;
        }
        if (resolved.length == 5 && s.dimension() == 3 && resolved[1] * resolved[2] == s.get(0)
                && resolved[3] == s.get(1) && resolved[4] == s.get(2)) {
            ctx.alias(n, new Grouped(in, resolved[1])); // first step of a channel shuffle
            return;
        }
        if (Arrays.equals(Arrays.copyOfRange(resolved, 1, resolved.length), s.getShape())) {
            ctx.alias(n, new Act(in));
            return;
        }
        throw ctx.failAt(n, index, "Reshape of " + s + " to " + Arrays.toString(target) + " is not supported; prune4j "
                + "imports Reshape as a flatten (N, -1), a no-op, or part of a channel shuffle");
    }

    /** ONNX Reshape semantics on a constant: 0 copies the dimension, one -1 takes the rest. */
    static long[] reshapedConstant(ImportContext ctx, NodeProto n, int index, Const c, long[] target) {
        long size = c.floats().length;
        long[] dims = target.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 0 && i < c.dims().length) {
                dims[i] = c.dims()[i];
            }
            if (dims[i] == -1) {
                if (infer >= 0) {
                    throw ctx.failAt(n, index, "Reshape target " + Arrays.toString(target) + " has more than one -1");
                }
                infer = i;
            } else {
                known *= dims[i];
            }
        }
        if (infer >= 0 && known > 0) {
            dims[infer] = size / known;
            known *= dims[infer];
        }
        if (known != size) {
            throw ctx.failAt(n, index, "Reshape of a constant of " + size + " values to " + Arrays.toString(target)
                    + " does not keep its size");
        }
        return dims;
    }

    static void transpose(ImportContext ctx, NodeProto n, int index, List<NodeProto> nodes) {
        ImportValue x = ctx.input(n, 0);
        long[] perm = ImportContext.ints(ImportContext.attributes(n), "perm", null);
        if (AttentionSteps.transpose(ctx, n, x, perm)) {
            return;
        }
        if (x instanceof Const c && c.dims().length == 2 && Arrays.equals(perm, new long[] {1, 0})) { // F.pad's amounts
            long[] d = c.dims();
            int[] from = new int[c.floats().length];
            for (int i = 0; i < d[0]; i++) {
                for (int j = 0; j < d[1]; j++) {
                    from[(int) (j * d[0] + i)] = (int) (i * d[1] + j);
                }
            }
            ctx.alias(n, c.pick(from, new long[] {d[1], d[0]}));
            return;
        }
        if (x instanceof Grouped gr && Arrays.equals(perm, new long[] {0, 2, 1, 3, 4})) {
            ctx.alias(n, new Swapped(gr.node(), gr.groups()));
            return;
        }
        if (x instanceof Act a && ctx.shapeOf(a.node()).dimension() == 3 && Arrays.equals(perm, new long[] {0, 2, 3, 1})) {
            ctx.alias(n, new ChannelsLast(a.node())); // prune4j stays channels-first; what follows is translated
            return;
        }
        if (x instanceof Act a && isTokens(ctx.shapeOf(a.node())) && Arrays.equals(perm, new long[] {0, 2, 1})) {
            ctx.alias(n, new ChannelsLast(a.node())); // (N, D, T) to (N, T, D): tokens, channels last
            return;
        }
        if (x instanceof ChannelsLast cl && isTokens(ctx.shapeOf(cl.node())) && Arrays.equals(perm, new long[] {0, 2, 1})) {
            ctx.alias(n, new Act(cl.node()));
            return;
        }
        if (x instanceof ChannelsLast cl && isTokens(ctx.shapeOf(cl.node())) && Arrays.equals(perm, new long[] {1, 0, 2})) {
            AttentionConverter.multiHeadAttention(ctx, n, index, nodes);
            return;
        }
        if (x instanceof ChannelsLast cl && Arrays.equals(perm, new long[] {0, 3, 1, 2})) {
            ctx.alias(n, new Act(cl.node()));
            return;
        }
        throw ctx.failAt(n, index, "Transpose with perm " + Arrays.toString(perm) + " is not supported; prune4j imports "
                + "a channel shuffle (Reshape → Transpose(0, 2, 1, 3, 4) → Reshape) and moves of the channels of an "
                + "image to the last axis and back (0, 2, 3, 1 / 0, 3, 1, 2)");
    }

    static void shape(ImportContext ctx, NodeProto n, int index) {
        long[] s;
        if (ctx.input(n, 0) instanceof Const c) { // shape arithmetic on shape arithmetic
            long[] d = c.dims();
            ctx.alias(n, new Const(ImportContext.toFloats(d), d, new long[] {d.length}));
            return;
        }
        if (ctx.input(n, 0) instanceof ChannelsLast cl) { // (D, T, 1) is (N, T, D) there; (C, H, W) is (N, H, W, C)
            long[] ours = ctx.shapeOf(cl.node()).getShape();
            s = isTokens(ctx.shapeOf(cl.node())) ? new long[] {ours[1], ours[0]} : new long[] {ours[1], ours[2], ours[0]};
        } else {
            s = ctx.shapeOf(ctx.act(n, 0, index)).getShape();
        }
        long[] out = new long[s.length + 1];
        out[0] = ImportContext.BATCH;
        System.arraycopy(s, 0, out, 1, s.length);
        ctx.alias(n, new Const(ImportContext.toFloats(out), out, new long[] {out.length}));
    }

    static void gather(ImportContext ctx, NodeProto n, int index) {
        long axis = ImportContext.intAttr(ImportContext.attributes(n), "axis", 0);
        if (ctx.input(n, 0) instanceof ChannelsLast cl && isTokens(ctx.shapeOf(cl.node())) && axis == 1
                && ctx.input(n, 1) instanceof Const i && i.dims().length == 0) {
            ctx.add(n, index, new SelectTokenOp((int) i.longs()[0]), cl.node()); // ViT's head reads the class token
            return;
        }
        if (ctx.input(n, 0) instanceof Act seq && isTokens(ctx.shapeOf(seq.node())) && axis == 2
                && ctx.input(n, 1) instanceof Const i && i.dims().length == 0) { // prune4j's own export
            ctx.add(n, index, new SelectTokenOp((int) i.longs()[0]), seq.node());
            return;
        }
        Const data = ctx.constant(n, 0, index);
        Const idx = ctx.constant(n, 1, index);
        if (ImportContext.intAttr(ImportContext.attributes(n), "axis", 0) != 0 || data.dims().length != 1) {
            throw ctx.failAt(n, index, "Gather is supported on 1-D constants (shape arithmetic) only");
        }
        long[] indices = idx.longs();
        long[] values = data.longs();
        long[] out = new long[indices.length];
        for (int i = 0; i < out.length; i++) {
            long k = indices[i];
            out[i] = values[(int) (k < 0 ? k + values.length : k)];
        }
        long[] dims = idx.dims().length == 0 ? new long[0] : new long[] {out.length};
        ctx.alias(n, new Const(ImportContext.toFloats(out), out, dims));
    }

    static void squeezeOrUnsqueeze(ImportContext ctx, NodeProto n, int index) {
        ImportValue v = ctx.input(n, 0);
        if (v instanceof Const c) { // shape arithmetic: a scalar becomes a 1-element list and back
            long[] dims = n.getOpType().equals("Unsqueeze") ? new long[] {c.longs().length} : new long[0];
            if (n.getOpType().equals("Squeeze") && c.longs().length != 1) {
                dims = c.dims();
            }
            ctx.alias(n, c.withDims(dims));
            return;
        }
        String in = ctx.act(n, 0, index);
        Shape s = ctx.shapeOf(in);
        // (C, 1, 1) ↔ (C): a squeezed pooled image is a flatten, an unsqueezed one a no-op for pooling
        long[] axes = ctx.opset() >= 13 && n.getInputCount() > 1 ? ctx.constant(n, 1, index).longs() : ImportContext.ints(ImportContext.attributes(n), "axes", null);
        boolean spatial = axes == null || Set.of(2L, 3L, -1L, -2L).containsAll(Arrays.stream(axes).boxed().toList())
                && axes.length == 2 && axes[0] != axes[1] && (axes[0] + 4) % 4 + (axes[1] + 4) % 4 == 5;
        if (n.getOpType().equals("Squeeze") && s.dimension() == 3 && s.get(1) == 1 && s.get(2) == 1 && spatial) {
            ctx.add(n, index, new FlattenOp(), in);
            return;
        }
        throw ctx.failAt(n, index, n.getOpType() + " of an activation of shape " + s + " is not supported");
    }

    /**
     * Slice (opset 10+: starts, ends, axes, steps as inputs; before: attributes): along the
     * channels of an activation with step 1 it is a channel range; on a 1-D constant it is shape
     * arithmetic, evaluated.
     */
    static void slice(ImportContext ctx, NodeProto n, int index) {
        ImportValue x = ctx.input(n, 0);
        Map<String, AttributeProto> a = ImportContext.attributes(n);
        boolean asInputs = ctx.opset() >= 10;
        long[] starts = asInputs ? ctx.constant(n, 1, index).longs() : ImportContext.ints(a, "starts", null);
        long[] ends = asInputs ? ctx.constant(n, 2, index).longs() : ImportContext.ints(a, "ends", null);
        long[] axes = asInputs ? (n.getInputCount() > 3 && !n.getInput(3).isEmpty() ? ctx.constant(n, 3, index).longs() : null)
                : ImportContext.ints(a, "axes", null);
        long[] steps = asInputs && n.getInputCount() > 4 && !n.getInput(4).isEmpty() ? ctx.constant(n, 4, index).longs() : null;
        if (starts.length != 1) {
            throw ctx.failAt(n, index, "Slice of " + starts.length + " axes is not supported; prune4j slices one axis");
        }
        long axis = axes == null ? 0 : axes[0];
        long step = steps == null ? 1 : steps[0];
        if (x instanceof Const c) {
            ctx.alias(n, sliceConstant(c, axis, starts[0], ends[0], step));
            return;
        }
        if (x instanceof ChannelsLast cl && (axis == 1 || axis == 2) && step > 0) { // (N, H, W, C): Swin's patch merging
            ctx.alias(n, new ChannelsLast(strided(ctx, n, index, cl.node(), (int) axis, starts[0], ends[0], step)));
            return;
        }
        String in = ctx.act(n, 0, index);
        Shape s = ctx.shapeOf(in);
        if (s.dimension() == 3 && (axis == 2 || axis == 3) && step > 0) {
            strided(ctx, n, index, in, (int) axis - 1, starts[0], ends[0], step);
            return;
        }
        if ((axis != 1 && axis != 1 - (s.dimension() + 1)) || step != 1) {
            throw ctx.failAt(n, index, "Slice along axis " + axis + " with step " + step + " of an activation of shape "
                    + s + " is not supported; prune4j slices channels (axis 1) and takes every step-th row or column");
        }
        long channels = s.get(0);
        long from = clampIndex(starts[0], channels);
        long to = clampIndex(ends[0], channels);
        if (from == 0 && to == channels) {
            ctx.alias(n, new Act(in));
        } else {
            ctx.add(n, index, new SliceOp((int) from, (int) to), in);
        }
    }

    /** Rows (imageAxis 1) or columns (2) from start to the end in steps; the input itself if that is all of it. */
    private static String strided(ImportContext ctx, NodeProto n, int index, String in, int imageAxis, long start,
            long end, long step) {
        long size = ctx.shapeOf(in).get(imageAxis);
        long from = clampIndex(start, size);
        if (clampIndex(end, size) != size) {
            throw ctx.failAt(n, index, "a strided Slice of an image must run to its end, got end " + end + " of " + size);
        }
        if (from == 0 && step == 1) {
            ctx.alias(n, new Act(in));
            return in;
        }
        return ctx.add(n, index, new StridedSliceOp(imageAxis == 1 ? StridedSliceOp.Axis.HEIGHT : StridedSliceOp.Axis.WIDTH,
                (int) from, (int) step), in);
    }

    /** ONNX Slice of a constant along one axis, any step (F.pad reverses its amounts with step -1). */
    private static Const sliceConstant(Const c, long axis, long start, long end, long step) {
        long[] dims = c.dims().length == 0 ? new long[] {1} : c.dims();
        int a = (int) (axis < 0 ? axis + dims.length : axis);
        if (a < 0 || a >= dims.length || step == 0) {
            throw new IllegalArgumentException("Slice of a constant of shape " + Arrays.toString(dims) + " along axis "
                    + axis + " with step " + step + " is not possible");
        }
        long size = dims[a];
        List<Long> picked = new ArrayList<>();
        if (step > 0) {
            for (long i = clampIndex(start, size); i < clampIndex(end, size); i += step) {
                picked.add(i);
            }
        } else { // ONNX: start clamps to [0, size-1], end to [-1, size-1]
            long from = Math.max(0, Math.min(size - 1, start < 0 ? start + size : start));
            long to = Math.max(-1, Math.min(size - 1, end < 0 ? end + size : end));
            for (long i = from; i > to; i += step) {
                picked.add(i);
            }
        }
        long inner = 1;
        for (int k = a + 1; k < dims.length; k++) {
            inner *= dims[k];
        }
        long outer = c.floats().length / (size * inner);
        int[] from = new int[(int) (outer * picked.size() * inner)];
        int j = 0;
        for (long o = 0; o < outer; o++) {
            for (long i : picked) {
                for (long r = 0; r < inner; r++) {
                    from[j++] = (int) ((o * size + i) * inner + r);
                }
            }
        }
        long[] out = dims.clone();
        out[a] = picked.size();
        return c.pick(from, out);
    }

    /** ONNX's index clamping: negative counts from the end, anything beyond the ends is clamped. */
    private static long clampIndex(long i, long size) {
        long j = i < 0 ? i + size : i;
        return Math.max(0, Math.min(size, j));
    }

    /** A token sequence in prune4j's layout: (D, T, 1). */
    static boolean isTokens(Shape s) {
        return s.dimension() == 3 && s.get(2) == 1;
    }
}
