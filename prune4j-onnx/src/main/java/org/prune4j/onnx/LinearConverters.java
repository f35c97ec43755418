package org.prune4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import org.prune4j.graph.Op;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.onnx.ImportValue.Act;
import org.prune4j.onnx.ImportValue.ChannelsLast;
import org.prune4j.onnx.ImportValue.Const;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** ONNX import of Gemm and MatMul (with a following Add of a bias folded in) as linear layers (1×1 convolutions on channels-last images). */
final class LinearConverters {

    private LinearConverters() {}

    static void gemm(ImportContext ctx, NodeProto n, int index) {
        String in = ctx.act(n, 0, index);
        Map<String, AttributeProto> a = ImportContext.attributes(n);
        if (ImportContext.floatAttr(a, "alpha", 1) != 1 || ImportContext.floatAttr(a, "beta", 1) != 1 || ImportContext.intAttr(a, "transA", 0) != 0) {
            throw ctx.failAt(n, index, "Gemm with alpha/beta other than 1 or transA=1 is not supported");
        }
        Const b = ctx.weight(n, 1, index);
        boolean transB = ImportContext.intAttr(a, "transB", 0) == 1;
        float[] w = transB ? b.floats() : ImportContext.transpose2d(b.floats(), b.dims());
        long out = transB ? b.dims()[0] : b.dims()[1];
        boolean bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
        String name = ctx.add(n, index, new LinearOp((int) out, bias), in);
        ctx.param(name, "weight", w);
        if (bias) {
            float[] c = ctx.weight(n, 2, index).floats();
            ctx.param(name, "bias", c.length == out ? c : ctx.broadcast(c, (int) out, n, index));
        }
    }

    static void matMul(ImportContext ctx, NodeProto n, int index, List<NodeProto> nodes) {
        if (AttentionSteps.matMul(ctx, n, ctx.input(n, 0), ctx.input(n, 1))) {
            return;
        }
        boolean channelsLast = ctx.input(n, 0) instanceof ChannelsLast;
        String in = channelsLast ? ((ChannelsLast) ctx.input(n, 0)).node() : ctx.act(n, 0, index);
        Const b = ctx.weight(n, 1, index);
        if (b.dims().length != 2) {
            throw ctx.failAt(n, index, "MatMul needs a 2-D constant weight (in, out), got " + Arrays.toString(b.dims()));
        }
        long out = b.dims()[1];
        float[] bias = null;
        NodeProto biasAdd = null;
        // A following Add of a constant vector is the bias: fold it into the linear layer.
        for (int j = index + 1; j < nodes.size() && ctx.consumersOf(n.getOutput(0)) == 1; j++) {
            NodeProto next = nodes.get(j);
            if (next.getOpType().equals("Add") && next.getInputList().contains(n.getOutput(0))) {
                String other = next.getInput(0).equals(n.getOutput(0)) ? next.getInput(1) : next.getInput(0);
                if (ctx.valueOf(other) instanceof Const c && c.floats().length == out) {
                    bias = c.floats();
                    biasAdd = next;
                    ctx.skip(next, j);
                }
                break;
            }
        }
        // on a channels-last image, the same linear map at every position: a 1×1 convolution
        Op op = channelsLast ? Conv2dOp.builder().setOutChannels((int) out).setKernel(1).optBias(bias != null).build()
                : new LinearOp((int) out, bias != null);
        String name = ctx.add(n, index, op, in);
        ctx.param(name, "weight", ImportContext.transpose2d(b.floats(), b.dims()));
        ImportValue result = channelsLast ? new ChannelsLast(name) : new Act(name);
        ctx.alias(n, result);
        if (bias != null) {
            ctx.param(name, "bias", bias);
            ctx.alias(biasAdd, result);
        }
    }
}
