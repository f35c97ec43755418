package org.prune4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.graph.ops.ChannelAffineOp;
import org.prune4j.graph.ops.LayerNormOp;
import org.prune4j.onnx.ImportValue.Act;
import org.prune4j.onnx.ImportValue.ChannelsLast;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** ONNX import of BatchNormalization, LayerNormalization (opset 17) and layer norm in the decomposed form of older opsets. */
final class NormalizationConverters {

    private NormalizationConverters() {}

    static void batchNorm(ImportContext ctx, NodeProto n, int index) {
        String in = ctx.act(n, 0, index);
        double epsilon = ImportContext.floatAttr(ImportContext.attributes(n), "epsilon", 1e-5);
        String name = ctx.add(n, index, new BatchNormOp(epsilon, 0.1), in);
        ctx.param(name, "weight", ctx.weight(n, 1, index).floats());
        ctx.param(name, "bias", ctx.weight(n, 2, index).floats());
        ctx.param(name, "runningMean", ctx.weight(n, 3, index).floats());
        ctx.param(name, "runningVar", ctx.weight(n, 4, index).floats());
    }

    /** LayerNormalization over the channels (the last axis of a channels-last image, or of features), then its scale and shift. */
    static void layerNormalization(ImportContext ctx, NodeProto n, int index) {
        Map<String, AttributeProto> a = ImportContext.attributes(n);
        long axis = ImportContext.intAttr(a, "axis", -1);
        if (!overChannels(ctx, ctx.input(n, 0), new long[] {axis})) {
            throw ctx.failAt(n, index, "LayerNormalization from axis " + axis + " is not supported; prune4j normalizes "
                    + "across the channels (the last axis of a channels-last image, or of features)");
        }
        String norm = ctx.addPerPosition(n, index, new LayerNormOp((float) ImportContext.floatAttr(a, "epsilon", 1e-5)));
        float[] scale = ctx.weight(n, 1, index).floats();
        float[] shift = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? ctx.weight(n, 2, index).floats()
                : new float[scale.length];
        boolean channelsLast = ctx.valueOf(n.getOutput(0)) instanceof ChannelsLast;
        String affine = ctx.add(n, index, new ChannelAffineOp(), norm);
        ctx.param(affine, "scale", scale);
        ctx.param(affine, "shift", shift);
        ctx.alias(n, channelsLast ? new ChannelsLast(affine) : new Act(affine));
    }

    /**
     * Layer norm as the exporter writes it before opset 17 (ReduceMean → Sub → Pow 2 → ReduceMean →
     * Add ε → Sqrt → Div), recognised at its first ReduceMean: imported as one node (its scale and
     * shift, a Mul and an Add of constants, follow as usual). False if the ReduceMean is something else.
     */
    static boolean decomposedLayerNorm(ImportContext ctx, NodeProto mean, int index, List<NodeProto> nodes, long[] axes) {
        ImportValue x = ctx.input(mean, 0);
        if (axes == null || !overChannels(ctx, x, axes)) {
            return false;
        }
        String in = mean.getInput(0);
        int sub = ImportContext.readerOf(nodes, index, mean.getOutput(0), "Sub");
        if (sub < 0 || !nodes.get(sub).getInput(0).equals(in)) {
            return false;
        }
        String centered = nodes.get(sub).getOutput(0);
        int pow = ImportContext.readerOf(nodes, sub, centered, "Pow");
        int var = pow < 0 || !ctx.isScalar(nodes.get(pow), 1, 2, nodes) ? -1
                : ImportContext.readerOf(nodes, pow, nodes.get(pow).getOutput(0), "ReduceMean");
        int plusEps = var < 0 ? -1 : ImportContext.readerOf(nodes, var, nodes.get(var).getOutput(0), "Add");
        int sqrt = plusEps < 0 ? -1 : ImportContext.readerOf(nodes, plusEps, nodes.get(plusEps).getOutput(0), "Sqrt");
        int div = sqrt < 0 ? -1 : ImportContext.readerOf(nodes, sqrt, nodes.get(sqrt).getOutput(0), "Div");
        ImportValue.Const eps = plusEps < 0 ? null : ctx.constantAhead(nodes, nodes.get(plusEps).getInput(1));
        if (div < 0 || !nodes.get(div).getInput(0).equals(centered)
                || !Arrays.equals(axes, ImportContext.ints(ImportContext.attributes(nodes.get(var)), "axes", null))
                || eps == null || eps.floats().length != 1) {
            return false;
        }
        for (int j : new int[] {sub, pow, var, plusEps, sqrt, div}) {
            ctx.skip(nodes.get(j), j);
        }
        ctx.addPerPosition(mean, index, new LayerNormOp(eps.floats()[0]), ImportContext.renamed(mean, "LayerNorm"));
        ctx.alias(nodes.get(div), ctx.valueOf(mean.getOutput(0)));
        return true;
    }

    /** Whether reducing {@code axes} of {@code x} (ONNX axes, with the batch) is over its channels alone. */
    private static boolean overChannels(ImportContext ctx, ImportValue x, long[] axes) {
        if (axes.length != 1) {
            return false;
        }
        long axis = axes[0];
        if (x instanceof ChannelsLast) {
            return axis == -1 || axis == 3;
        }
        if (x instanceof Act act) {
            int rank = ctx.shapeOf(act.node()).dimension() + 1;
            return axis == 1 || axis == 1 - rank || (rank == 2 && axis == -1);
        }
        return false;
    }
}
