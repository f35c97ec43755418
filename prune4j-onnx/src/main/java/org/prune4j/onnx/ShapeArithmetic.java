package org.prune4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import org.prune4j.onnx.ImportValue.Const;

import java.util.Arrays;

/**
 * The shape arithmetic exporters write around token sequences (ViT's class token: ConstantOfShape,
 * Equal, Where, Expand) and computed paddings (Mod), evaluated on constants at import time.
 */
final class ShapeArithmetic {

    private ShapeArithmetic() {}

    static void constantOfShape(ImportContext ctx, NodeProto n, int index) {
        long[] shape = ctx.constant(n, 0, index).longs();
        long size = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
        if (size < 0 || size > 1 << 20) {
            throw ctx.failAt(n, index, "ConstantOfShape " + Arrays.toString(shape) + " is not supported (shape arithmetic only)");
        }
        float value = 0;
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("value")) {
                value = ImportContext.constant(a.getT()).floats()[0];
            }
        }
        float[] f = new float[(int) size];
        long[] l = new long[(int) size];
        Arrays.fill(f, value);
        Arrays.fill(l, (long) value);
        ctx.alias(n, new Const(f, l, shape));
    }

    /** Mod of two constants (F.pad's amounts computed from a shape, e.g. Swin's patch merging). */
    static void mod(ImportContext ctx, NodeProto n, int index) {
        if (ImportContext.intAttr(ImportContext.attributes(n), "fmod", 0) != 0) {
            throw ctx.failAt(n, index, "Mod with fmod=1 is not supported (shape arithmetic uses fmod=0)");
        }
        ctx.alias(n, ImportContext.constantArithmetic("Mod", ctx.constant(n, 0, index), ctx.constant(n, 1, index)));
    }

    static void equal(ImportContext ctx, NodeProto n, int index) {
        Const a = ctx.constant(n, 0, index);
        Const b = ctx.constant(n, 1, index);
        Const diff = ImportContext.constantArithmetic("Sub", a, b);
        long[] d = diff.longs();
        long[] l = new long[d.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = d[i] == 0 && diff.floats()[i] == 0 ? 1 : 0;
        }
        ctx.alias(n, new Const(ImportContext.toFloats(l), l, diff.dims()));
    }

    static void where(ImportContext ctx, NodeProto n, int index) {
        Const cond = ctx.constant(n, 0, index);
        Const x = ctx.constant(n, 1, index);
        Const y = ctx.constant(n, 2, index);
        long[] c = cond.longs();
        long[] xl = x.longs();
        long[] yl = y.longs();
        int size = Math.max(c.length, Math.max(xl.length, yl.length));
        float[] f = new float[size];
        long[] l = new long[size];
        for (int i = 0; i < size; i++) {
            boolean pickX = c[c.length == 1 ? 0 : i] != 0;
            long[] pl = pickX ? xl : yl;
            int j = pl.length == 1 ? 0 : i;
            f[i] = (pickX ? x : y).floats()[j];
            l[i] = pl[j];
        }
        ctx.alias(n, new Const(f, l, new long[] {size}));
    }

    /**
     * Expand of a constant over the batch only (ViT's class token, (1, 1, D) to (N, 1, D)): the
     * constant itself, which prune4j broadcasts over the batch where it is used.
     */
    static void expand(ImportContext ctx, NodeProto n, int index) {
        Const x = ctx.constant(n, 0, index);
        long[] target = ctx.constant(n, 1, index).longs();
        long[] dims = x.dims();
        // (1, ...) to (N, ...), or (...) to (N, ...) as prune4j's export of prepended tokens writes it
        int offset = target.length == dims.length + 1 ? 1 : 0;
        boolean batchOnly = dims.length > 0 && (offset == 1 || target.length == dims.length && dims[0] == 1);
        for (int i = offset == 1 ? 0 : 1; batchOnly && i < dims.length; i++) {
            batchOnly = target[i + offset] == 1 || target[i + offset] == -1 || target[i + offset] == dims[i];
        }
        if (!batchOnly) {
            throw ctx.failAt(n, index, "Expand of a constant of shape " + Arrays.toString(dims) + " to "
                    + Arrays.toString(target) + " is not supported; prune4j expands constants over the batch only");
        }
        ctx.alias(n, x);
    }
}
