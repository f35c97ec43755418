package org.prune4j.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;

import org.prune4j.graph.ops.BatchNormOp;

/** ONNX import of BatchNormalization. */
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
}
