package org.prune4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.SoftmaxOp;

import java.util.Map;

/** ONNX import of Relu, Sigmoid, HardSwish, HardSigmoid, Clip (ReLU6 / ReLU) and Softmax. */
final class ActivationConverters {

    private ActivationConverters() {}

    static void activation(ImportContext ctx, NodeProto n, int index, ActivationOp.Kind kind) {
        ctx.add(n, index, new ActivationOp(kind), ctx.act(n, 0, index));
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
        String in = ctx.act(n, 0, index);
        long axis = ImportContext.intAttr(ImportContext.attributes(n), "axis", ctx.opset() >= 13 ? -1 : 1);
        if (ctx.shapeOf(in).dimension() != 1 || (axis != 1 && axis != -1)) {
            throw ctx.failAt(n, index, "Softmax is supported over the features of (N, F), got axis " + axis);
        }
        ctx.add(n, index, new SoftmaxOp(), in);
    }
}
