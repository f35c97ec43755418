package org.prune4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.SoftmaxOp;

import java.util.List;
import java.util.Map;

/** ONNX import of Relu, Sigmoid, HardSwish, HardSigmoid, Clip (ReLU6 / ReLU), GELU (decomposed) and Softmax. */
final class ActivationConverters {

    private ActivationConverters() {}

    static void activation(ImportContext ctx, NodeProto n, int index, ActivationOp.Kind kind) {
        ctx.addPerPosition(n, index, new ActivationOp(kind));
    }

    /**
     * GELU as PyTorch's exporter writes it, {@code x · (erf(x / √2) + 1) · 0.5}, recognised at its
     * Div: imported as one activation, its other four nodes passed over. False if the Div is
     * something else.
     */
    static boolean gelu(ImportContext ctx, NodeProto div, int index, List<NodeProto> nodes) {
        if (!ctx.isScalar(div, 1, Math.sqrt(2), nodes)) {
            return false;
        }
        String x = div.getInput(0);
        int erf = ImportContext.readerOf(nodes, index, div.getOutput(0), "Erf");
        int plusOne = erf < 0 ? -1 : ImportContext.readerOf(nodes, erf, nodes.get(erf).getOutput(0), "Add");
        int times = plusOne < 0 ? -1 : ImportContext.readerOf(nodes, plusOne, nodes.get(plusOne).getOutput(0), "Mul");
        int half = times < 0 ? -1 : ImportContext.readerOf(nodes, times, nodes.get(times).getOutput(0), "Mul");
        if (half < 0 || !(ctx.isScalar(nodes.get(plusOne), 1, 1, nodes) || ctx.isScalar(nodes.get(plusOne), 0, 1, nodes))
                || !nodes.get(times).getInputList().contains(x)
                || !(ctx.isScalar(nodes.get(half), 1, 0.5, nodes) || ctx.isScalar(nodes.get(half), 0, 0.5, nodes))) {
            return false;
        }
        for (int j : new int[] {erf, plusOne, times}) {
            ctx.skip(nodes.get(j), j);
        }
        ctx.skip(nodes.get(half), half);
        String name = ctx.addPerPosition(div, index, new ActivationOp(ActivationOp.Kind.GELU), ImportContext.renamed(div, "GELU"));
        ctx.alias(nodes.get(half), ctx.valueOf(div.getOutput(0)));
        return name != null;
    }

    static void hardSigmoid(ImportContext ctx, NodeProto n, int index) {
        Map<String, AttributeProto> a = ImportContext.attributes(n);
        double alpha = ImportContext.floatAttr(a, "alpha", 0.2);
        double beta = ImportContext.floatAttr(a, "beta", 0.5);
        if (Math.abs(alpha - 1.0 / 6) > 1e-6 || Math.abs(beta - 0.5) > 1e-6) {
            throw ctx.failAt(n, index, "HardSigmoid with alpha " + alpha + ", beta " + beta + " is not supported; "
                    + "prune4j supports alpha 1/6, beta 0.5 (torch.nn.Hardsigmoid)");
        }
        activation(ctx, n, index, ActivationOp.Kind.HARD_SIGMOID);
    }

    static void clip(ImportContext ctx, NodeProto n, int index) {
        // opset 11+: min and max are inputs
        double min = n.getInputCount() > 1 && !n.getInput(1).isEmpty() ? ctx.scalar(n, 1, index) : Double.NEGATIVE_INFINITY;
        double max = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? ctx.scalar(n, 2, index) : Double.POSITIVE_INFINITY;
        if (min == 0 && max == 6) {
            activation(ctx, n, index, ActivationOp.Kind.RELU6);
        } else if (min == 0 && max == Double.POSITIVE_INFINITY) {
            activation(ctx, n, index, ActivationOp.Kind.RELU);
        } else {
            throw ctx.failAt(n, index, "Clip(min " + min + ", max " + max + ") is not supported; prune4j supports Clip "
                    + "as ReLU6 (0, 6) or ReLU (0, none)");
        }
    }

    static void softmax(ImportContext ctx, NodeProto n, int index) {
        long axis = ImportContext.intAttr(ImportContext.attributes(n), "axis", ctx.opset() >= 13 ? -1 : 1);
        if (AttentionSteps.softmax(ctx, n, ctx.input(n, 0), axis)) {
            return;
        }
        String in = ctx.act(n, 0, index);
        if (ctx.shapeOf(in).dimension() != 1 || (axis != 1 && axis != -1)) {
            throw ctx.failAt(n, index, "Softmax is supported over the features of (N, F), got axis " + axis);
        }
        ctx.add(n, index, new SoftmaxOp(), in);
    }
}
