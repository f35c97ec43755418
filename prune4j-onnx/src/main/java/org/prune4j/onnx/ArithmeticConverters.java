package org.prune4j.onnx;

import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;

import org.prune4j.graph.ops.AddConstantOp;
import org.prune4j.graph.ops.AddOp;
import org.prune4j.graph.ops.ChannelAffineOp;
import org.prune4j.graph.ops.MulOp;
import org.prune4j.graph.ops.ScaleShiftOp;
import org.prune4j.onnx.ImportValue.Act;
import org.prune4j.onnx.ImportValue.ChannelsLast;
import org.prune4j.onnx.ImportValue.Const;

import java.util.Arrays;
import java.util.List;

/** ONNX import of Add, Sub, Mul and Div: of two activations (residuals, gates), with a scalar constant (scale-shift) or a per-channel one (channel-affine), and of two constants (shape arithmetic). */
final class ArithmeticConverters {

    private ArithmeticConverters() {}

    static void arithmetic(ImportContext ctx, NodeProto n, int index, List<NodeProto> nodes) {
        String type = n.getOpType();
        ImportValue a = ctx.input(n, 0);
        ImportValue b = ctx.input(n, 1);
        if (type.equals("Div") && ActivationConverters.gelu(ctx, n, index, nodes) || AttentionSteps.scale(ctx, n, a, b)) {
            return;
        }
        if (a instanceof ChannelsLast || b instanceof ChannelsLast) {
            channelsLast(ctx, n, index, a, b);
            return;
        }
        arithmetic(ctx, n, index, a, b);
    }

    /** On channels-last operands: the same op on prune4j's channels-first nodes, a per-channel constant taken along the last axis. */
    private static void channelsLast(ImportContext ctx, NodeProto n, int index, ImportValue a, ImportValue b) {
        if (n.getOpType().equals("Add") && (a instanceof Const || b instanceof Const)) {
            ChannelsLast x = (ChannelsLast) (a instanceof Const ? b : a);
            Const c = (Const) (a instanceof Const ? a : b);
            Shape s = ctx.shapeOf(x.node());
            long[] d = c.dims();
            if (ShapeConverters.isTokens(s) && d.length >= 2 && d[d.length - 2] == s.get(1) && d[d.length - 1] == s.get(0)
                    && c.floats().length == s.get(0) * s.get(1)) { // one vector per token: ViT's position embedding
                String name = ctx.add(n, index, new AddConstantOp(), x.node());
                ctx.param(name, "value", ImportContext.transpose2d(c.floats(), new long[] {s.get(1), s.get(0)}));
                ctx.alias(n, new ChannelsLast(name));
                return;
            }
        }
        ImportValue x = a instanceof ChannelsLast cl ? new Act(cl.node()) : channelsFirst(ctx, n, index, a);
        ImportValue y = b instanceof ChannelsLast cl ? new Act(cl.node()) : channelsFirst(ctx, n, index, b);
        arithmetic(ctx, n, index, x, y);
        ctx.alias(n, new ChannelsLast(((Act) ctx.valueOf(n.getOutput(0))).node()));
    }

    /** A constant next to a channels-last tensor: a scalar stays, (…, C) becomes (C, 1, 1). */
    private static ImportValue channelsFirst(ImportContext ctx, NodeProto n, int index, ImportValue v) {
        if (v instanceof Const c) {
            long[] d = c.dims();
            boolean perChannel = d.length > 0 && Arrays.stream(d, 0, d.length - 1).allMatch(k -> k == 1);
            if (c.floats().length == 1 || !perChannel) {
                return c;
            }
            return c.withDims(new long[] {d[d.length - 1], 1, 1});
        }
        throw ctx.failAt(n, index, n.getOpType() + " of a channels-last tensor and a channels-first one is not supported");
    }

    private static void arithmetic(ImportContext ctx, NodeProto n, int index, ImportValue a, ImportValue b) {
        String type = n.getOpType();
        if (a instanceof Const ca && b instanceof Const cb) {
            ctx.alias(n, ImportContext.constantArithmetic(type, ca, cb));
            return;
        }
        if (a instanceof Act && b instanceof Act) {
            if (type.equals("Add")) {
                ctx.add(n, index, new AddOp(), ((Act) a).node(), ((Act) b).node());
            } else if (type.equals("Mul")) {
                String x = ((Act) a).node();
                String y = ((Act) b).node();
                boolean gateFirst = ctx.shapeOf(x).size() < ctx.shapeOf(y).size();
                ctx.add(n, index, new MulOp(), gateFirst ? y : x, gateFirst ? x : y); // prune4j takes (x, gate)
            } else {
                throw ctx.failAt(n, index, type + " of two activations is not supported (only Add and Mul)");
            }
            return;
        }
        boolean constFirst = a instanceof Const;
        if (!constFirst && !(b instanceof Const) || !((constFirst ? b : a) instanceof Act act)) {
            throw ctx.failAt(n, index, type + " of a constant and input '" + n.getInput(constFirst ? 1 : 0)
                    + "' is not supported (an activation was expected)");
        }
        Const c = (Const) (constFirst ? a : b);
        String x = act.node();
        Shape s = ctx.shapeOf(x);
        int count = c.floats().length;
        if (type.equals("Add") && count > 1 && count == s.size() && !ImportContext.isPerChannel(c.dims(), s)) {
            String name = ctx.add(n, index, new AddConstantOp(), x); // a value per element, e.g. a position embedding
            ctx.param(name, "value", c.floats());
            return;
        }
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
