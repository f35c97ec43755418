package org.prune4j.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;

import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.SliceOp;
import org.prune4j.graph.ops.WindowAttentionOp;
import org.prune4j.onnx.ImportValue.ChannelsLast;
import org.prune4j.onnx.ImportValue.Const;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Swin's shifted-window attention as PyTorch exports torchvision's {@code ShiftedWindowAttention}:
 * one node scope that pads the channels-last image, rolls it (Slice + Concat), cuts it into
 * windows, projects q, k, v (MatMul of (C, 3C) + bias), adds the relative-position bias (folded
 * into a (1, heads, T, T) initializer) and, when shifted, a mask built from the shape at run time
 * (Range, ScatterND, …), then projects back (MatMul of (C, C) + bias), merges and rolls back. The
 * mask is a function of the shape, the window and the shift, so prune4j does not follow those
 * nodes: the whole scope is claimed before the import and becomes q, k, v projection, slices,
 * {@link WindowAttentionOp} and output projection, so heads are removable channels.
 */
final class WindowAttentionConverter {

    private WindowAttentionConverter() {}

    /** One claimed scope: nodes {@code first .. last} of the graph; {@code own} if prune4j's export wrote it. */
    record Region(String scope, int first, int last, boolean own) {}

    /**
     * Every scope holding a Softmax that is either PyTorch's window attention (a Pad and a 4-D
     * (1, heads, T, T) constant added before the Softmax) or prune4j's own export of it (its node's
     * {@code .bias} initializer): its nodes are marked as handled (so ops used only inside it, like
     * ScatterND, are not refused) and the region is returned, keyed by its first node.
     */
    static Map<Integer, Region> claim(ImportContext ctx, List<NodeProto> nodes) {
        Map<Integer, Region> regions = new java.util.HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            if (!n.getOpType().equals("Softmax") || n.getName().lastIndexOf('/') <= 0) {
                continue;
            }
            String scope = n.getName().substring(0, n.getName().lastIndexOf('/') + 1);
            String ownName = scope.substring(0, scope.length() - 1);
            boolean own = ctx.valueOf(ownName + ".bias") instanceof Const b && b.dims().length == 3;
            int first = i;
            while (first > 0 && inScope(nodes.get(first - 1), scope, ownName)) {
                first--;
            }
            int last = i;
            while (last + 1 < nodes.size() && inScope(nodes.get(last + 1), scope, ownName)) {
                last++;
            }
            // Constants stay: the exporter shares them between blocks, and they import as they are
            while (nodes.get(first).getOpType().equals("Constant")) {
                first++;
            }
            while (nodes.get(last).getOpType().equals("Constant")) {
                last--;
            }
            List<NodeProto> region = nodes.subList(first, last + 1);
            if (!own && (find(region, "Pad") == null || positionBias(ctx, nodes, region) == null)) {
                continue; // another attention (e.g. ViT's, recognised at its Transpose)
            }
            regions.put(first, new Region(scope, first, last, own));
            for (int j = first; j <= last; j++) {
                if (!nodes.get(j).getOpType().equals("Constant")) {
                    ctx.skip(nodes.get(j), j);
                }
            }
            i = last;
        }
        return regions;
    }

    /** Inside the scope (or its last node, in prune4j's export), or an unscoped Constant between its nodes. */
    private static boolean inScope(NodeProto n, String scope, String ownName) {
        return n.getName().startsWith(scope) || n.getName().equals(ownName)
                || (n.getOpType().equals("Constant") && !n.getName().contains("/"));
    }

    static void convert(ImportContext ctx, Region r, List<NodeProto> nodes) {
        if (r.own()) {
            convertOwn(ctx, r, nodes);
            return;
        }
        List<NodeProto> region = nodes.subList(r.first(), r.last() + 1);
        NodeProto start = nodes.get(r.first());
        NodeProto pad = find(region, "Pad");
        if (!(ctx.input(pad, 0) instanceof ChannelsLast x)) {
            throw ctx.failAt(pad, r.first(), "window attention in scope '" + r.scope() + "' pads a tensor that is not an "
                    + "image with its channels last");
        }
        long c = ctx.shapeOf(x.node()).get(0);
        NodeProto qkvMatMul = matMulWith(ctx, nodes, region, c, 3 * c);
        NodeProto projMatMul = matMulWith(ctx, nodes, region, c, c);
        Const qkvBias = qkvMatMul == null ? null : biasOf(ctx, nodes, region, qkvMatMul, 3 * c);
        Const projBias = projMatMul == null ? null : biasOf(ctx, nodes, region, projMatMul, c);
        Const bias = positionBias(ctx, nodes, region);
        long[] d = bias.dims();
        long heads = d[d.length - 3];
        long tokens = d[d.length - 1];
        int window = (int) Math.round(Math.sqrt(tokens));
        if (qkvMatMul == null || projMatMul == null || qkvBias == null || projBias == null || heads <= 0
                || c % heads != 0 || (long) window * window != tokens) {
            throw ctx.failAt(start, r.first(), "window attention in scope '" + r.scope() + "' is not in the form prune4j "
                    + "imports (q, k, v projection (C, 3C) and output projection (C, C) with biases, a relative-position "
                    + "bias (1, heads, T, T) with T a square)");
        }
        int headDim = (int) (c / heads);
        long[] shifts = shifts(ctx, nodes, region, pad.getOutput(0));
        Set<String> inside = new HashSet<>();
        region.stream().filter(n -> !n.getOpType().equals("Constant")).forEach(n -> inside.addAll(n.getOutputList()));
        inside.remove(nodes.get(r.last()).getOutput(0));
        AttentionConverter.requireNoReaderAfter(ctx, start, r.first(), nodes, inside, r.last());

        String scope = r.scope();
        String qkv = ctx.addNamed(scope + "qkv", Conv2dOp.builder().setOutChannels((int) (3 * c)).setKernel(1).build(),
                x.node());
        Const qkvWeight = ctx.constantAhead(nodes, qkvMatMul.getInput(1));
        ctx.param(qkv, "weight", ImportContext.transpose2d(qkvWeight.floats(), qkvWeight.dims()));
        ctx.param(qkv, "bias", qkvBias.floats());
        String q = ctx.addNamed(scope + "q", new SliceOp(0, (int) c), qkv);
        String k = ctx.addNamed(scope + "k", new SliceOp((int) c, (int) (2 * c)), qkv);
        String v = ctx.addNamed(scope + "v", new SliceOp((int) (2 * c), (int) (3 * c)), qkv);
        // torchvision scales q by headDim^-0.5 (computed from the shape in the file)
        String attention = ctx.addNamed(scope + "heads", new WindowAttentionOp(headDim, Math.pow(headDim, -0.5), window,
                (int) shifts[0], (int) shifts[1]), q, k, v);
        ctx.param(attention, "bias", bias.floats());
        String proj = ctx.addNamed(scope + "proj", Conv2dOp.builder().setOutChannels((int) c).setKernel(1).build(), attention);
        Const projWeight = ctx.constantAhead(nodes, projMatMul.getInput(1));
        ctx.param(proj, "weight", ImportContext.transpose2d(projWeight.floats(), projWeight.dims()));
        ctx.param(proj, "bias", projBias.floats());
        ctx.alias(nodes.get(r.last()), new ChannelsLast(proj));
    }

    /** prune4j's own export (WindowExporters): q, k, v are read in that order, settings are its named constants. */
    private static void convertOwn(ImportContext ctx, Region r, List<NodeProto> nodes) {
        String name = r.scope().substring(0, r.scope().length() - 1);
        List<NodeProto> region = nodes.subList(r.first(), r.last() + 1);
        Set<String> made = new HashSet<>();
        List<String> reads = new ArrayList<>();
        for (NodeProto n : region) {
            for (String in : n.getInputList()) {
                if (!made.contains(in) && ctx.valueOf(in) instanceof ImportValue.Act a && !reads.contains(a.node())) {
                    reads.add(a.node());
                }
            }
            made.addAll(n.getOutputList());
        }
        Const bias = (Const) ctx.valueOf(name + ".bias");
        int window = (int) Math.round(Math.sqrt(bias.dims()[1]));
        NodeProto start = nodes.get(r.first());
        if (reads.size() != 3 || !(ctx.valueOf(name + "/scale") instanceof Const scale)
                || (long) window * window != bias.dims()[1]) {
            throw ctx.failAt(start, r.first(), "window attention '" + name + "' is not in the form prune4j exports "
                    + "(q, k and v read in that order, constants " + name + "/scale and " + name + ".bias)");
        }
        long c = ctx.shapeOf(reads.get(0)).get(0);
        WindowAttentionOp op = new WindowAttentionOp((int) (c / bias.dims()[0]), scale.floats()[0], window,
                (int) shiftOf(ctx, name + "/shiftH"), (int) shiftOf(ctx, name + "/shiftW"));
        String node = ctx.addNamed(name, op, reads.toArray(String[]::new));
        ctx.param(node, "bias", bias.floats());
        ctx.alias(nodes.get(r.last()), new ImportValue.Act(node));
    }

    private static long shiftOf(ImportContext ctx, String constant) {
        return ctx.valueOf(constant) instanceof Const c ? c.longs()[0] : 0;
    }

    private static NodeProto find(List<NodeProto> region, String type) {
        return region.stream().filter(n -> n.getOpType().equals(type)).findFirst().orElse(null);
    }

    /** The (1, heads, T, T) constant added to the attention scores. */
    private static Const positionBias(ImportContext ctx, List<NodeProto> nodes, List<NodeProto> region) {
        for (NodeProto n : region) {
            if (n.getOpType().equals("Add")) {
                for (String in : n.getInputList()) {
                    Const b = ctx.constantAhead(nodes, in);
                    if (b != null && b.dims().length == 4 && b.dims()[0] == 1 && b.dims()[2] == b.dims()[3]) {
                        return b;
                    }
                }
            }
        }
        return null;
    }

    /** The MatMul by a constant of {@code rows × cols}. */
    private static NodeProto matMulWith(ImportContext ctx, List<NodeProto> nodes, List<NodeProto> region, long rows,
            long cols) {
        for (NodeProto n : region) {
            Const w = n.getOpType().equals("MatMul") ? ctx.constantAhead(nodes, n.getInput(1)) : null;
            if (w != null && w.dims().length == 2 && w.dims()[0] == rows && w.dims()[1] == cols) {
                return n;
            }
        }
        return null;
    }

    /** The constant of {@code size} values that an Add puts on the MatMul's output. */
    private static Const biasOf(ImportContext ctx, List<NodeProto> nodes, List<NodeProto> region, NodeProto matMul,
            long size) {
        for (NodeProto n : region) {
            if (n.getOpType().equals("Add") && n.getInputList().contains(matMul.getOutput(0))) {
                for (String in : n.getInputList()) {
                    Const b = ctx.constantAhead(nodes, in);
                    if (b != null && b.floats().length == size) {
                        return b;
                    }
                }
            }
        }
        return null;
    }

    /**
     * The roll before the windows, as torch.roll exports it: per rolled axis a Slice from the shift
     * to the end and one from 0 to the shift, concatenated. {height shift, width shift}.
     */
    private static long[] shifts(ImportContext ctx, List<NodeProto> nodes, List<NodeProto> region, String padded) {
        long[] shifts = new long[2];
        String current = padded;
        List<String> seen = new ArrayList<>();
        while (!seen.contains(current)) {
            seen.add(current);
            for (NodeProto n : region) {
                if (!n.getOpType().equals("Slice") || !n.getInput(0).equals(current) || n.getInputCount() < 4) {
                    continue;
                }
                Const from = ctx.constantAhead(nodes, n.getInput(1));
                Const to = ctx.constantAhead(nodes, n.getInput(2));
                Const axis = ctx.constantAhead(nodes, n.getInput(3));
                if (from == null || to == null || axis == null || from.longs()[0] <= 0 || to.longs()[0] < Integer.MAX_VALUE
                        || (axis.longs()[0] != 1 && axis.longs()[0] != 2)) {
                    continue;
                }
                NodeProto concat = region.stream().filter(m -> m.getOpType().equals("Concat")
                        && m.getInputList().contains(n.getOutput(0))).findFirst().orElse(null);
                if (concat != null) {
                    shifts[(int) axis.longs()[0] - 1] = from.longs()[0];
                    current = concat.getOutput(0);
                    break;
                }
            }
        }
        return shifts;
    }
}
