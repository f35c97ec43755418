package org.prune4j.onnx;

import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;

import org.prune4j.graph.ops.AttentionOp;
import org.prune4j.onnx.ImportValue.Act;
import org.prune4j.onnx.ImportValue.Attention;
import org.prune4j.onnx.ImportValue.Attention.Stage;
import org.prune4j.onnx.ImportValue.Const;

import java.util.Arrays;

/**
 * Attention in the form prune4j exports it (TokenExporters.attention), followed node by node:
 * Reshape of q, k, v to heads, Transpose of q, MatMul (scores), Mul (scale), Softmax, Transpose,
 * MatMul with v, Reshape back. Each converter returns false when its node is not such a step.
 */
final class AttentionSteps {

    private AttentionSteps() {}

    /** Reshape of a token sequence (D, T, 1) to (N, H, headDim, T), or of the weighted sum back to (N, D, T, 1). */
    static boolean reshape(ImportContext ctx, NodeProto n, int index, ImportValue x, long[] target) {
        if (x instanceof Act a && ShapeConverters.isTokens(ctx.shapeOf(a.node())) && target.length == 4) {
            Shape s = ctx.shapeOf(a.node());
            long headDim = target[2];
            if (target[3] == s.get(1) && headDim > 0 && s.get(0) % headDim == 0 && target[1] != s.get(0)) {
                ctx.alias(n, new Attention(Stage.HEADS, a.node(), null, null, headDim, 1));
                return true;
            }
        }
        if (x instanceof Attention at && at.stage() == Stage.MIXED) {
            String name = ctx.add(n, index, new AttentionOp((int) at.headDim(), at.scale()), at.q(), at.k(), at.v());
            Shape s = ctx.shapeOf(name);
            if (target.length != 4 || target[2] != s.get(1) || (target[1] != s.get(0) && target[1] != -1)) {
                throw ctx.failAt(n, index, "the heads of an attention block are reshaped to " + Arrays.toString(target)
                        + ", expected (N, " + s.get(0) + ", " + s.get(1) + ", 1)");
            }
            return true;
        }
        return false;
    }

    static boolean transpose(ImportContext ctx, NodeProto n, ImportValue x, long[] perm) {
        if (!(x instanceof Attention at) || !Arrays.equals(perm, new long[] {0, 1, 3, 2})) {
            return false;
        }
        if (at.stage() == Stage.HEADS || at.stage() == Stage.WEIGHTS) {
            ctx.alias(n, at.next(at.stage() == Stage.HEADS ? Stage.HEADS_T : Stage.WEIGHTS_T));
            return true;
        }
        return false;
    }

    /** qᵀ times k: the scores; v times the transposed weights: the weighted sum. */
    static boolean matMul(ImportContext ctx, NodeProto n, ImportValue a, ImportValue b) {
        if (!(a instanceof Attention x) || !(b instanceof Attention y) || x.headDim() != y.headDim()) {
            return false;
        }
        if (x.stage() == Stage.HEADS_T && y.stage() == Stage.HEADS) {
            ctx.alias(n, new Attention(Stage.SCORES, x.q(), y.q(), null, x.headDim(), 1));
            return true;
        }
        if (x.stage() == Stage.HEADS && y.stage() == Stage.WEIGHTS_T) {
            ctx.alias(n, new Attention(Stage.MIXED, y.q(), y.k(), x.q(), x.headDim(), y.scale()));
            return true;
        }
        return false;
    }

    /** The scores times (or divided by) a scalar. */
    static boolean scale(ImportContext ctx, NodeProto n, ImportValue a, ImportValue b) {
        if (a instanceof Attention at && at.stage() == Stage.SCORES && b instanceof Const c && c.floats().length == 1
                && (n.getOpType().equals("Mul") || n.getOpType().equals("Div"))) {
            double factor = n.getOpType().equals("Mul") ? c.floats()[0] : 1.0 / c.floats()[0];
            ctx.alias(n, new Attention(Stage.SCORES, at.q(), at.k(), null, at.headDim(), at.scale() * factor));
            return true;
        }
        return false;
    }

    static boolean softmax(ImportContext ctx, NodeProto n, ImportValue x, long axis) {
        if (x instanceof Attention at && at.stage() == Stage.SCORES && (axis == -1 || axis == 3)) {
            ctx.alias(n, at.next(Stage.WEIGHTS));
            return true;
        }
        return false;
    }
}
