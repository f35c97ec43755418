package org.prune4j.onnx;

import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;

import org.prune4j.graph.ops.AddOp;
import org.prune4j.graph.ops.ChannelAffineOp;
import org.prune4j.graph.ops.MulOp;
import org.prune4j.graph.ops.ScaleShiftOp;
import org.prune4j.onnx.ImportValue.Act;
import org.prune4j.onnx.ImportValue.Const;

import java.util.Arrays;

/** ONNX import of Add, Sub, Mul and Div: of two activations (residuals, gates), with a scalar constant (scale-shift) or a per-channel one (channel-affine), and of two constants (shape arithmetic). */
final class ArithmeticConverters {

    private ArithmeticConverters() {}

    static void arithmetic(ImportContext ctx, NodeProto n, int index) {
        String type = n.getOpType();
        ImportValue a = ctx.input(n, 0);
        ImportValue b = ctx.input(n, 1);
        if (a instanceof Const ca && b instanceof Const cb) {
            ctx.alias(n, ImportContext.constantArithmetic(type, ca, cb));
            return;
        }
        if (a instanceof Act && b instanceof Act) {
            if (type.equals("Add")) {
                ctx.add(n, index, new AddOp(), ctx.act(n, 0, index), ctx.act(n, 1, index));
            } else if (type.equals("Mul")) {
                String x = ctx.act(n, 0, index);
                String y = ctx.act(n, 1, index);
                boolean gateFirst = ctx.shapeOf(x).size() < ctx.shapeOf(y).size();
                ctx.add(n, index, new MulOp(), gateFirst ? y : x, gateFirst ? x : y); // prune4j takes (x, gate)
            } else {
                throw ctx.failAt(n, index, type + " of two activations is not supported (only Add and Mul)");
            }
            return;
        }
        boolean constFirst = a instanceof Const;
        Const c = (Const) (constFirst ? a : b);
        String x = ctx.act(n, constFirst ? 1 : 0, index);
        Shape s = ctx.shapeOf(x);
        int count = c.floats().length;
        if (count != 1 && !ImportContext.isPerChannel(c.dims(), s)) {
            throw ctx.failAt(n, index, type + " with a constant of shape " + Arrays.toString(c.dims()) + " on an activation "
                    + "of shape " + s + " is not supported; prune4j folds scalar and per-channel constants "
                    + "((C, 1, 1) or (1, C, 1, 1) for images, (F) for features)");
        }
        float[] scale = new float[count];
        float[] shift = new float[count];
        for (int i = 0; i < count; i++) {
            float v = c.floats()[i];
            if (!Float.isFinite(v) || (type.equals("Div") && v == 0)) {
                throw ctx.failAt(n, index, type + " with the constant " + v + " is not supported (not finite or division by zero)");
            }
            switch (type) {
                case "Add" -> { scale[i] = 1; shift[i] = v; }
                case "Mul" -> scale[i] = v;
                case "Sub" -> { scale[i] = constFirst ? -1 : 1; shift[i] = constFirst ? v : -v; }
                default -> {
                    if (constFirst) {
                        throw ctx.failAt(n, index, "dividing a constant by an activation is not supported");
                    }
                    scale[i] = 1 / v;
                }
            }
        }
        if (count == 1) {
            ctx.add(n, index, new ScaleShiftOp(scale[0], shift[0]), x);
        } else {
            String name = ctx.add(n, index, new ChannelAffineOp(), x);
            ctx.param(name, "scale", scale);
            ctx.param(name, "shift", shift);
        }
    }
}
