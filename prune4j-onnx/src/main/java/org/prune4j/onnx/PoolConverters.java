package org.prune4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import org.prune4j.graph.ops.GlobalAvgPoolOp;
import org.prune4j.graph.ops.Pool2dOp;
import org.prune4j.onnx.ImportValue.Padded;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** ONNX import of MaxPool, AveragePool, GlobalAveragePool and ReduceMean over H and W. */
final class PoolConverters {

    private PoolConverters() {}

    static void pool(ImportContext ctx, NodeProto n, int index) {
        String in;
        long[] extra = new long[4];
        ImportValue x = ctx.input(n, 0);
        if (x instanceof Padded p && n.getOpType().equals("AveragePool")) {
            in = p.node();
            extra = p.pads();
        } else {
            in = ctx.act(n, 0, index);
        }
        Map<String, AttributeProto> a = ImportContext.attributes(n);
        long[] k = ImportContext.ints(a, "kernel_shape", null);
        long[] s = ImportContext.ints(a, "strides", new long[] {1, 1});
        long[] p = ImportContext.ints(a, "pads", new long[] {0, 0, 0, 0});
        // zeros from a folded Pad node are real values, counted by any average; the node's own pads
        // are counted only with count_include_pad=1
        boolean ownPads = Arrays.stream(p).anyMatch(v -> v > 0);
        for (int i = 0; i < 4; i++) {
            p[i] += extra[i];
        }
        long[] d = ImportContext.ints(a, "dilations", new long[] {1, 1});
        String autoPad = a.containsKey("auto_pad") ? a.get("auto_pad").getS().toStringUtf8() : "NOTSET";
        boolean square = k != null && k.length == 2 && k[0] == k[1] && s[0] == s[1]
                && p[0] == p[1] && p[1] == p[2] && p[2] == p[3] && d[0] == 1 && d[1] == 1;
        boolean max = n.getOpType().equals("MaxPool");
        boolean ceil = ImportContext.intAttr(a, "ceil_mode", 0) != 0;
        if (!square || (ceil && !max) || !(autoPad.equals("NOTSET") || autoPad.equals("VALID"))) {
            throw ctx.failAt(n, index, n.getOpType() + " with kernel " + Arrays.toString(k) + ", strides "
                    + Arrays.toString(s) + ", pads " + Arrays.toString(p) + ", ceil_mode " + ImportContext.intAttr(a, "ceil_mode", 0)
                    + " is not supported; prune4j pools with square kernels, equal strides, equal pads, floor mode "
                    + "(and ceil mode for MaxPool)");
        }
        if (!max && ownPads && ImportContext.intAttr(a, "count_include_pad", 0) == 0) {
            throw ctx.failAt(n, index, "AveragePool with padding must count the padding (count_include_pad=1)");
        }
        ctx.add(n, index, new Pool2dOp(max ? Pool2dOp.Kind.MAX : Pool2dOp.Kind.AVG, (int) k[0], (int) s[0], (int) p[0],
                ceil), in);
    }

    static void reduceMean(ImportContext ctx, NodeProto n, int index, List<NodeProto> nodes) {
        Map<String, AttributeProto> a = ImportContext.attributes(n);
        long[] axes = ctx.opset() >= 18 && n.getInputCount() > 1 ? ctx.constant(n, 1, index).longs() : ImportContext.ints(a, "axes", null);
        if (NormalizationConverters.decomposedLayerNorm(ctx, n, index, nodes, axes)) {
            return;
        }
        String in = ctx.act(n, 0, index);
        boolean keep = ImportContext.intAttr(a, "keepdims", 1) == 1;
        Set<Long> axisSet = new HashSet<>();
        if (axes != null) {
            for (long x : axes) {
                axisSet.add(x < 0 ? x + 4 : x);
            }
        }
        if (ctx.shapeOf(in).dimension() != 3 || !axisSet.equals(Set.of(2L, 3L))) {
            throw ctx.failAt(n, index, "ReduceMean over axes " + Arrays.toString(axes) + " is not supported; prune4j "
                    + "supports the spatial mean of images (axes [2, 3])");
        }
        ctx.add(n, index, new GlobalAvgPoolOp(keep), in);
    }
}
