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
import org.prune4j.graph.ops.AttentionOp;
import org.prune4j.graph.ops.PrependTokensOp;
import org.prune4j.graph.ops.SelectTokenOp;

import java.util.List;

/**
 * ONNX export of the token-sequence ops of vision transformers. prune4j's sequences are
 * {@code (N, D, T, 1)}; every shape written keeps the batch dynamic (0 copies it).
 */
final class TokenExporters {

    private TokenExporters() {}

    static void spatialFlatten(Node n, Graph graph, GraphProto.Builder g) {
        Shape s = graph.shapeOf(n.name());
        g.addInitializer(int64(n.name() + "/shape", 0, s.get(0), s.get(1), 1));
        g.addNode(node("Reshape", n.name(), List.of(n.inputs().get(0), n.name() + "/shape"), n.name()));
    }

    static void addConstant(Node n, Graph graph, GraphProto.Builder g) {
        g.addNode(node("Add", n.name(), List.of(n.inputs().get(0), n.name() + ".value"), n.name()));
    }

    /** The tokens (D, K, 1) expanded to the batch, then concatenated before the sequence. */
    static void prependTokens(Node n, Graph graph, GraphProto.Builder g) {
        String name = n.name();
        String in = n.inputs().get(0);
        Shape tokens = new Shape(graph.shapeOf(in).get(0), ((PrependTokensOp) n.op()).count(), 1);
        g.addInitializer(int64(name + "/zero", 0));
        g.addInitializer(int64(name + "/one", 1));
        g.addInitializer(int64(name + "/rest", tokens.getShape()));
        g.addNode(node("Shape", name + "/shape", List.of(in), name + "/shape"));
        g.addNode(node("Slice", name + "/batch", List.of(name + "/shape", name + "/zero", name + "/one"), name + "/batch"));
        g.addNode(node("Concat", name + "/target", List.of(name + "/batch", name + "/rest"), name + "/target")
                .addAttribute(integer("axis", 0)));
        g.addNode(node("Expand", name + "/expand", List.of(name + ".tokens", name + "/target"), name + "/tokens"));
        g.addNode(node("Concat", name, List.of(name + "/tokens", in), name).addAttribute(integer("axis", 2)));
    }

    static void selectToken(Node n, Graph graph, GraphProto.Builder g) {
        String name = n.name();
        g.addInitializer(int64(name + "/index", ((SelectTokenOp) n.op()).index()).toBuilder().clearDims().build());
        g.addNode(node("Gather", name + "/gather", List.of(n.inputs().get(0), name + "/index"), name + "/token")
                .addAttribute(integer("axis", 2)));
        g.addNode(node("Flatten", name, List.of(name + "/token"), name).addAttribute(integer("axis", 1)));
    }

    /** Per head: softmax(scale · qᵀk) as (N, H, T, T), then v times its transpose, back to (N, D, T, 1). */
    static void attention(Node n, Graph graph, GraphProto.Builder g) {
        String name = n.name();
        AttentionOp op = (AttentionOp) n.op();
        Shape s = graph.shapeOf(name);
        List<String> in = n.inputs();
        g.addInitializer(int64(name + "/heads", 0, -1, op.headDim(), s.get(1)));
        g.addInitializer(int64(name + "/merged", 0, s.get(0), s.get(1), 1));
        g.addInitializer(tensor(name + "/scale", new float[] {(float) op.scale()}, new Shape()));
        String[] split = {name + "/q", name + "/k", name + "/v"};
        for (int i = 0; i < 3; i++) {
            g.addNode(node("Reshape", split[i] + "_heads", List.of(in.get(i), name + "/heads"), split[i]));
        }
        g.addNode(node("Transpose", name + "/qt", List.of(split[0]), name + "/qt").addAttribute(ints("perm", 0, 1, 3, 2)));
        g.addNode(node("MatMul", name + "/scores", List.of(name + "/qt", split[1]), name + "/scores"));
        g.addNode(node("Mul", name + "/scaled", List.of(name + "/scores", name + "/scale"), name + "/scaled"));
        g.addNode(node("Softmax", name + "/softmax", List.of(name + "/scaled"), name + "/weights")
                .addAttribute(integer("axis", -1)));
        g.addNode(node("Transpose", name + "/wt", List.of(name + "/weights"), name + "/wt")
                .addAttribute(ints("perm", 0, 1, 3, 2)));
        g.addNode(node("MatMul", name + "/mix", List.of(split[2], name + "/wt"), name + "/mixed"));
        g.addNode(node("Reshape", name, List.of(name + "/mixed", name + "/merged"), name));
    }
}
