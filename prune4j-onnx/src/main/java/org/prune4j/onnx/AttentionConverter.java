package org.prune4j.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;

import org.prune4j.graph.ops.AttentionOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.SliceOp;
import org.prune4j.onnx.ImportValue.ChannelsLast;
import org.prune4j.onnx.ImportValue.Const;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Multi-head self-attention as PyTorch's exporter writes {@code nn.MultiheadAttention} (batch
 * first): a Transpose of the tokens to (T, N, D), the input projection (MatMul + Add of (D, 3D)),
 * slicing into q, k, v, reshapes that fold the heads into the batch, the scaled scores, Softmax,
 * the weighted sum, the output projection (Gemm) and a Transpose back — all in one node scope.
 * prune4j recognises the scope at its first Transpose and imports it as projection, slices,
 * {@link AttentionOp} and projection, so heads become removable channels.
 */
final class AttentionConverter {

    private AttentionConverter() {}

    static void multiHeadAttention(ImportContext ctx, NodeProto start, int index, List<NodeProto> nodes) {
        ChannelsLast x = (ChannelsLast) ctx.input(start, 0);
        long d = ctx.shapeOf(x.node()).get(0);
        String scope = start.getName().substring(0, start.getName().lastIndexOf('/') + 1);
        int end = index;
        for (int j = index + 1; j < nodes.size() && !scope.isEmpty(); j++) {
            NodeProto next = nodes.get(j);
            if (next.getName().startsWith(scope)) {
                end = j;
            } else if (!next.getOpType().equals("Constant") || next.getName().contains("/")) {
                break; // unscoped Constant nodes (a dynamic-batch export writes them) may sit in between
            }
        }
        List<NodeProto> region = nodes.subList(index + 1, end + 1);
        NodeProto last = nodes.get(end);
        if (region.isEmpty() || !last.getOpType().equals("Transpose")
                || !Arrays.equals(ImportContext.ints(ImportContext.attributes(last), "perm", null), new long[] {1, 0, 2})) {
            throw ctx.failAt(start, index, "a Transpose of tokens to (T, N, D) is supported as the start of multi-head "
                    + "attention as PyTorch exports it (ending in a Transpose back, in scope '" + scope + "'); not found");
        }
        NodeProto inProj = find(region, "MatMul", start.getOutput(0));
        Const inWeight = inProj == null ? null : ctx.constantAhead(nodes, inProj.getInput(1));
        NodeProto inBiasAdd = inProj == null ? null : find(region, "Add", inProj.getOutput(0));
        Const inBias = inBiasAdd == null ? null : otherConstant(ctx, nodes, inBiasAdd, inProj.getOutput(0));
        NodeProto scores = scores(ctx, nodes, region);
        double scale = scores == null ? 1 : scale(ctx, nodes, region, scores);
        long headDim = headDim(ctx, nodes, region);
        if (headDim <= 0 && scale < 1) { // a dynamic-batch export computes its reshapes: the scale is 1/√headDim
            headDim = Math.round(1 / (scale * scale));
        }
        NodeProto outProj = region.stream().filter(n -> n.getOpType().equals("Gemm")).findFirst().orElse(null);
        if (inWeight == null || !Arrays.equals(inWeight.dims(), new long[] {d, 3 * d}) || inBias == null
                || headDim <= 0 || d % headDim != 0 || scores == null || outProj == null
                || ImportContext.intAttr(ImportContext.attributes(outProj), "transB", 0) != 1) {
            throw ctx.failAt(start, index, "multi-head attention in scope '" + scope + "' is not in the form prune4j "
                    + "imports (input projection (D, 3D) with bias, heads from a Reshape, scaled scores, Softmax, Gemm)");
        }
        requireNoReaderOutside(ctx, start, index, nodes, region, end, last);

        String in = x.node();
        String qkv = ctx.addNamed(scope + "in_proj", Conv2dOp.builder().setOutChannels((int) (3 * d)).setKernel(1).build(), in);
        ctx.param(qkv, "weight", ImportContext.transpose2d(inWeight.floats(), inWeight.dims()));
        ctx.param(qkv, "bias", inBias.floats());
        String q = ctx.addNamed(scope + "q", new SliceOp(0, (int) d), qkv);
        String k = ctx.addNamed(scope + "k", new SliceOp((int) d, (int) (2 * d)), qkv);
        String v = ctx.addNamed(scope + "v", new SliceOp((int) (2 * d), (int) (3 * d)), qkv);
        String heads = ctx.addNamed(scope + "heads", new AttentionOp((int) headDim, scale), q, k, v);
        String out = ctx.addNamed(scope + "out_proj", Conv2dOp.builder().setOutChannels((int) d).setKernel(1).build(), heads);
        ctx.param(out, "weight", ctx.constantAhead(nodes, outProj.getInput(1)).floats());
        ctx.param(out, "bias", ctx.constantAhead(nodes, outProj.getInput(2)).floats());
        for (int j = index + 1; j <= end; j++) {
            ctx.skip(nodes.get(j), j);
        }
        ctx.alias(last, new ChannelsLast(out));
    }

    /** The first node of {@code type} in the region that reads {@code input}. */
    private static NodeProto find(List<NodeProto> region, String type, String input) {
        return region.stream().filter(n -> n.getOpType().equals(type) && n.getInputList().contains(input))
                .findFirst().orElse(null);
    }

    private static Const otherConstant(ImportContext ctx, List<NodeProto> nodes, NodeProto n, String notThis) {
        String other = n.getInput(0).equals(notThis) ? n.getInput(1) : n.getInput(0);
        return ctx.constantAhead(nodes, other);
    }

    /** The last entry of the first 3-entry Reshape target (T, N·H, headDim). */
    private static long headDim(ImportContext ctx, List<NodeProto> nodes, List<NodeProto> region) {
        for (NodeProto n : region) {
            Const target = n.getOpType().equals("Reshape") ? ctx.constantAhead(nodes, n.getInput(1)) : null;
            if (target != null && target.longs().length == 3) {
                return target.longs()[2];
            }
        }
        return -1;
    }

    /** The MatMul of two computed values whose output the Softmax reads (the attention scores). */
    private static NodeProto scores(ImportContext ctx, List<NodeProto> nodes, List<NodeProto> region) {
        NodeProto softmax = region.stream().filter(n -> n.getOpType().equals("Softmax")).findFirst().orElse(null);
        if (softmax == null) {
            return null;
        }
        return region.stream().filter(n -> n.getOpType().equals("MatMul") && n.getOutput(0).equals(softmax.getInput(0))
                && ctx.constantAhead(nodes, n.getInput(1)) == null).findFirst().orElse(null);
    }

    /** The factor on q (a Div or Mul by a constant right before the scores), 1 if none. */
    private static double scale(ImportContext ctx, List<NodeProto> nodes, List<NodeProto> region, NodeProto scores) {
        for (NodeProto n : region) {
            if (n.getOutput(0).equals(scores.getInput(0)) && (n.getOpType().equals("Div") || n.getOpType().equals("Mul"))) {
                Const c = ctx.constantAhead(nodes, n.getInput(1));
                if (c != null && c.floats().length == 1) {
                    return n.getOpType().equals("Div") ? 1 / c.floats()[0] : c.floats()[0];
                }
            }
        }
        return 1;
    }

    /** Only the last node's output may be read after the region (its insides are imported as one). */
    private static void requireNoReaderOutside(ImportContext ctx, NodeProto start, int index, List<NodeProto> nodes,
            List<NodeProto> region, int end, NodeProto last) {
        Set<String> inside = new HashSet<>();
        region.forEach(n -> inside.addAll(n.getOutputList()));
        inside.add(start.getOutput(0));
        inside.remove(last.getOutput(0));
        requireNoReaderAfter(ctx, start, index, nodes, inside, end);
    }

    /** No node after {@code end} reads one of the {@code inside} values. */
    static void requireNoReaderAfter(ImportContext ctx, NodeProto start, int index, List<NodeProto> nodes,
            Set<String> inside, int end) {
        for (int j = end + 1; j < nodes.size(); j++) {
            for (String input : nodes.get(j).getInputList()) {
                if (inside.contains(input)) {
                    throw ctx.failAt(start, index, "node '" + nodes.get(j).getName() + "' reads '" + input
                            + "' from inside an attention block; prune4j imports the block as a whole");
                }
            }
        }
    }
}
