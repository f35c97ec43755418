package org.prune4j.onnx;

import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.onnx.ImportValue.Const;
import org.prune4j.onnx.ImportValue.Padded;

import java.util.Arrays;
import java.util.Map;

/** ONNX import of Conv (groups, dilations, pads, auto_pad) and Pad, which is folded into the next Conv or AveragePool. */
final class ConvConverters {

    private ConvConverters() {}

    static void conv(ImportContext ctx, NodeProto n, int index) {
        ImportValue x = ctx.input(n, 0);
        long[] extraPads = new long[4];
        String in;
        if (x instanceof Padded p) {
            in = p.node();
            extraPads = p.pads();
        } else {
            in = ctx.act(n, 0, index);
        }
        Const w = ctx.weight(n, 1, index);
        if (w.dims().length != 4) {
            throw ctx.failAt(n, index, "weight must be 4-D (out, in/groups, kh, kw), got " + Arrays.toString(w.dims()));
        }
        Map<String, AttributeProto> a = ImportContext.attributes(n);
        int groups = (int) ImportContext.intAttr(a, "group", 1);
        long[] kernel = ImportContext.ints(a, "kernel_shape", new long[] {w.dims()[2], w.dims()[3]});
        long[] strides = ImportContext.ints(a, "strides", new long[] {1, 1});
        long[] dilations = ImportContext.ints(a, "dilations", new long[] {1, 1});
        if (x instanceof Padded && a.containsKey("auto_pad") && a.get("auto_pad").getS().toStringUtf8().startsWith("SAME")) {
            throw ctx.failAt(n, index, "a Pad before a Conv with auto_pad SAME_* is not supported");
        }
        long[] pads = convPads(ctx, n, index, a, kernel, strides, dilations, in);
        for (int i = 0; i < 4; i++) {
            pads[i] += extraPads[i];
        }
        if (pads[0] != pads[2] || pads[1] != pads[3]) {
            throw ctx.failAt(n, index, "asymmetric padding " + Arrays.toString(pads) + " is not supported (top/bottom and "
                    + "left/right must be equal)");
        }
        boolean bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
        Conv2dOp op = Conv2dOp.builder().setOutChannels((int) w.dims()[0]).setKernel((int) kernel[0], (int) kernel[1])
                .optStride((int) strides[0], (int) strides[1]).optPadding((int) pads[0], (int) pads[1])
                .optDilation((int) dilations[0], (int) dilations[1]).optGroups(groups).optBias(bias).build();
        String name = ctx.add(n, index, op, in);
        ctx.param(name, "weight", w.floats());
        if (bias) {
            ctx.param(name, "bias", ctx.weight(n, 2, index).floats());
        }
    }

    static long[] convPads(ImportContext ctx, NodeProto n, int index, Map<String, AttributeProto> a, long[] k, long[] s, long[] d,
            String in) {
        String autoPad = a.containsKey("auto_pad") ? a.get("auto_pad").getS().toStringUtf8() : "NOTSET";
        switch (autoPad) {
            case "NOTSET" -> {
                long[] p = ImportContext.ints(a, "pads", new long[] {0, 0, 0, 0});
                return new long[] {p[0], p[1], p[2], p[3]};
            }
            case "VALID" -> {
                return new long[4];
            }
            case "SAME_UPPER", "SAME_LOWER" -> {
                Shape x = ctx.shapeOf(in);
                long[] p = new long[4];
                for (int i = 0; i < 2; i++) {
                    long size = x.get(i + 1);
                    long out = (size + s[i] - 1) / s[i];
                    long total = Math.max(0, (out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - size);
                    long small = total / 2;
                    p[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
                    p[i + 2] = total - p[i];
                }
                return p;
            }
            default -> throw ctx.failAt(n, index, "auto_pad '" + autoPad + "' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER");
        }
    }

    static void pad(ImportContext ctx, NodeProto n, int index) {
        Map<String, AttributeProto> a = ImportContext.attributes(n);
        String mode = a.containsKey("mode") ? a.get("mode").getS().toStringUtf8() : "constant";
        long[] pads = n.getInputCount() > 1 ? ctx.constant(n, 1, index).longs() : ImportContext.ints(a, "pads", null);
        if (pads != null && Arrays.stream(pads).allMatch(p -> p == 0)) {
            ctx.alias(n, ctx.input(n, 0)); // F.pad by amounts computed to be 0 (Swin's patch merging): nothing to do
            return;
        }
        String in = ctx.act(n, 0, index);
        double value = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? ctx.scalar(n, 2, index) : 0;
        boolean negative = pads != null && Arrays.stream(pads).anyMatch(p -> p < 0);
        boolean axes = n.getInputCount() > 3 && !n.getInput(3).isEmpty();
        if (!mode.equals("constant") || value != 0 || pads == null || pads.length != 8 || pads[0] != 0 || pads[1] != 0
                || pads[4] != 0 || pads[5] != 0 || negative || axes) {
            throw ctx.failAt(n, index, "Pad is supported as a non-negative zero pad of the spatial dimensions before a "
                    + "Conv or AveragePool (mode constant, value 0, no axes input), got mode " + mode + ", pads "
                    + Arrays.toString(pads) + (axes ? ", axes" : ""));
        }
        ctx.alias(n, new Padded(in, new long[] {pads[2], pads[3], pads[6], pads[7]}));
    }
}
