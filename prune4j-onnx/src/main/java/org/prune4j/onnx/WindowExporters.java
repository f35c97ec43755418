package org.prune4j.onnx;

import static org.prune4j.onnx.OnnxExporter.int64;
import static org.prune4j.onnx.OnnxExporter.integer;
import static org.prune4j.onnx.OnnxExporter.ints;
import static org.prune4j.onnx.OnnxExporter.node;
import static org.prune4j.onnx.OnnxExporter.tensor;

import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.GraphProto;

import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.ops.StridedSliceOp;
import org.prune4j.graph.ops.WindowAttentionOp;

import java.util.List;

/**
 * ONNX export of Swin's ops: the strided slices of patch merging and shifted-window attention,
 * written with standard ops (Slice, Concat, Reshape, Transpose, MatMul, Softmax) and a dynamic
 * batch. All nodes of one attention are named {@code node/...} and its constants
 * {@code node/scale}, {@code node/shiftH}, {@code node/shiftW} and {@code node/mask}, which is how
 * the importer recognises the block when the file comes back ({@link WindowAttentionConverter}).
 */
final class WindowExporters {

    private WindowExporters() {}

    static void stridedSlice(Node n, Graph graph, GraphProto.Builder g) {
        StridedSliceOp op = (StridedSliceOp) n.op();
        String name = n.name();
        g.addInitializer(int64(name + "/starts", op.start()));
        g.addInitializer(int64(name + "/ends", Long.MAX_VALUE));
        g.addInitializer(int64(name + "/axes", op.batchAxis()));
        g.addInitializer(int64(name + "/steps", op.step()));
        g.addNode(node("Slice", name, List.of(n.inputs().get(0), name + "/starts", name + "/ends", name + "/axes",
                name + "/steps"), name));
    }

    static void windowAttention(Node n, Graph graph, GraphProto.Builder g) {
        WindowAttentionOp op = (WindowAttentionOp) n.op();
        String name = n.name();
        Shape s = graph.shapeOf(name);
        long c = s.get(0);
        long h = s.get(1);
        long w = s.get(2);
        long window = op.window();
        long tokens = window * window;
        long heads = c / op.headDim();
        long windows = (h / window) * (w / window);
        g.addInitializer(tensor(name + "/scale", new float[] {(float) op.scale()}, new Shape()));
        g.addInitializer(int64(name + "/shape-split", 0, heads, op.headDim(), h / window, window, w / window, window));
        g.addInitializer(int64(name + "/shape-windows", -1, heads, tokens, op.headDim()));
        g.addInitializer(int64(name + "/shape-merged", -1, h / window, w / window, heads, window, window, op.headDim()));
        g.addInitializer(int64(name + "/shape-image", -1, c, h, w));
        rollConstants(g, name, op.shiftH(), op.shiftW(), h, w);
        String[] parts = {"q", "k", "v"};
        for (int i = 0; i < 3; i++) {
            String p = name + "/" + parts[i];
            String rolled = roll(g, name, p, n.inputs().get(i), op.shiftH(), op.shiftW(), true);
            g.addNode(node("Reshape", p + "/split", List.of(rolled, name + "/shape-split"), p + "/split"));
            g.addNode(node("Transpose", p + "/order", List.of(p + "/split"), p + "/order")
                    .addAttribute(ints("perm", 0, 3, 5, 1, 4, 6, 2)));
            g.addNode(node("Reshape", p + "/windows", List.of(p + "/order", name + "/shape-windows"), p + "/windows"));
        }
        g.addNode(node("Transpose", name + "/kt", List.of(name + "/k/windows"), name + "/kt")
                .addAttribute(ints("perm", 0, 1, 3, 2)));
        g.addNode(node("MatMul", name + "/scores", List.of(name + "/q/windows", name + "/kt"), name + "/scores"));
        g.addNode(node("Mul", name + "/scaled", List.of(name + "/scores", name + "/scale"), name + "/scaled"));
        g.addNode(node("Add", name + "/biased", List.of(name + "/scaled", name + ".bias"), name + "/biased"));
        String logits = name + "/biased";
        if (op.shiftH() > 0 || op.shiftW() > 0) {
            g.addInitializer(tensor(name + "/mask", op.mask(h, w), new Shape(windows, 1, tokens, tokens)));
            g.addInitializer(int64(name + "/shape-per-image", -1, windows, heads, tokens, tokens));
            g.addInitializer(int64(name + "/shape-per-window", -1, heads, tokens, tokens));
            g.addNode(node("Reshape", name + "/per-image", List.of(logits, name + "/shape-per-image"), name + "/per-image"));
            g.addNode(node("Add", name + "/masked", List.of(name + "/per-image", name + "/mask"), name + "/masked"));
            g.addNode(node("Reshape", name + "/per-window", List.of(name + "/masked", name + "/shape-per-window"),
                    name + "/per-window"));
            logits = name + "/per-window";
        }
        g.addNode(node("Softmax", name + "/softmax", List.of(logits), name + "/weights").addAttribute(integer("axis", -1)));
        g.addNode(node("MatMul", name + "/mix", List.of(name + "/weights", name + "/v/windows"), name + "/mixed"));
        g.addNode(node("Reshape", name + "/merge", List.of(name + "/mixed", name + "/shape-merged"), name + "/merged"));
        g.addNode(node("Transpose", name + "/back", List.of(name + "/merged"), name + "/back")
                .addAttribute(ints("perm", 0, 3, 6, 1, 4, 2, 5)));
        boolean rollsBack = op.shiftH() > 0 || op.shiftW() > 0;
        g.addNode(node("Reshape", name + "/image", List.of(name + "/back", name + "/shape-image"), rollsBack ? name + "/image" : name));
        if (rollsBack) {
            roll(g, name, name + "/unroll", name + "/image", op.shiftH(), op.shiftW(), false);
        }
    }

    /** The Slice bounds the rolls share: per shifted axis its index, the cut before the windows and after. */
    private static void rollConstants(GraphProto.Builder g, String name, int shiftH, int shiftW, long h, long w) {
        if (shiftH == 0 && shiftW == 0) {
            return;
        }
        g.addInitializer(int64(name + "/zero", 0));
        g.addInitializer(int64(name + "/end", Long.MAX_VALUE));
        int[] shifts = {shiftH, shiftW};
        long[] sizes = {h, w};
        for (int a = 0; a < 2; a++) {
            if (shifts[a] > 0) {
                g.addInitializer(int64(name + "/axis" + AXES[a], a + 2));
                g.addInitializer(int64(name + "/shift" + AXES[a], shifts[a]));
                g.addInitializer(int64(name + "/unshift" + AXES[a], sizes[a] - shifts[a]));
            }
        }
    }

    private static final String[] AXES = {"H", "W"};

    /**
     * torch.roll as Slice + Concat (bounds from {@link #rollConstants}): up and left by the shift
     * before the windows ({@code forward}), down and right after them. The last Concat after the
     * windows writes {@code name} itself. Returns the rolled value.
     */
    private static String roll(GraphProto.Builder g, String name, String prefix, String in, int shiftH, int shiftW,
            boolean forward) {
        String current = in;
        int[] shifts = {shiftH, shiftW};
        for (int a = 0; a < 2; a++) {
            if (shifts[a] == 0) {
                continue;
            }
            String cut = name + (forward ? "/shift" : "/unshift") + AXES[a];
            String axis = name + "/axis" + AXES[a];
            String p = prefix + "/roll" + AXES[a];
            g.addNode(node("Slice", p + "/tail", List.of(current, cut, name + "/end", axis), p + "/tail"));
            g.addNode(node("Slice", p + "/head", List.of(current, name + "/zero", cut, axis), p + "/head"));
            boolean last = !forward && (a == 1 || shifts[1] == 0);
            String out = last ? name : p;
            g.addNode(node("Concat", p, List.of(p + "/tail", p + "/head"), out).addAttribute(integer("axis", a + 2)));
            current = out;
        }
        return current;
    }
}
