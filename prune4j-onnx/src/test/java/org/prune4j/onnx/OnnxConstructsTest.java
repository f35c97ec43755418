package org.prune4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import org.junit.jupiter.api.Test;
import org.prune4j.model.Model;

import java.util.Random;

/** ONNX constructs of the torchvision models that import as what they mean. */
class OnnxConstructsTest {

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @Test
    void ceilModeMaxPoolingKeepsTheLastPartialWindowAndRoundTripsThroughOnnxRuntime() throws Exception {
        org.prune4j.graph.Graph g = org.prune4j.graph.Graph.builder().setInput("x", new ai.djl.ndarray.types.Shape(1, 8, 8))
                .add("pool", new org.prune4j.graph.ops.Pool2dOp(org.prune4j.graph.ops.Pool2dOp.Kind.MAX, 3, 2, 0, true), "x")
                .add("conv", org.prune4j.graph.ops.Conv2dOp.builder().setOutChannels(2).setKernel(1).build(), "pool")
                .add("flat", new org.prune4j.graph.ops.FlattenOp(), "conv")
                .add("fc", new org.prune4j.graph.ops.LinearOp(3), "flat").setOutput("fc").build();
        assertThat(g.shapeOf("pool")).as("floor mode would give 3x3").isEqualTo(new ai.djl.ndarray.types.Shape(1, 4, 4));
        try (Model m = Model.builder().setGraph(g).optSeed(2).build(); NDManager nd = m.manager().newSubManager()) {
            float[] x = new float[2 * 64];
            for (int i = 0; i < x.length; i++) {
                x[i] = i % 64; // increasing: every window's maximum is its bottom-right element
            }
            NDArray input = nd.create(x, new ai.djl.ndarray.types.Shape(2, 1, 8, 8));
            float[] pooled = new float[16];
            m.forward(input, false, java.util.Map.of(), (node, out) -> {
                if (node.equals("pool")) {
                    System.arraycopy(out.toFloatArray(), 0, pooled, 0, 16);
                }
            }).close();
            assertThat(pooled).containsExactly(18, 20, 22, 23, 34, 36, 38, 39, 50, 52, 54, 55, 58, 60, 62, 63);

            java.nio.file.Path file = dir.resolve("ceil.onnx");
            OnnxExporter.export(m, file);
            float[] engine = m.forward(input, false).toFloatArray();
            try (OnnxRuntimeRunner ort = OnnxRuntimeRunner.open(file, 1); Model back = OnnxImporter.load(file)) {
                float[] runtime = ort.run(x, 2);
                float[] imported = back.forward(input, false).toFloatArray();
                for (int i = 0; i < engine.length; i++) {
                    assertThat(runtime[i]).isCloseTo(engine[i], org.assertj.core.data.Offset.offset(1e-4f * (1 + Math.abs(engine[i]))));
                    assertThat(imported[i]).isEqualTo(engine[i]);
                }
            }
        }
    }

    @Test
    void aConcatOfASingleInputImportsAsTheIdentityItIs() throws Exception {
        ModelProto m = OnnxImportErrorsTest.fixture("resnet");
        GraphProto.Builder g = m.getGraph().toBuilder();
        int at = -1;
        for (int i = 0; i < g.getNodeCount() && at < 0; i++) {
            at = g.getNode(i).getOpType().equals("Relu") ? i : -1;
        }
        String relu = g.getNode(at).getOutput(0);
        for (int i = at + 1; i < g.getNodeCount(); i++) {
            NodeProto.Builder n = g.getNodeBuilder(i);
            for (int k = 0; k < n.getInputCount(); k++) {
                if (n.getInput(k).equals(relu)) {
                    n.setInput(k, relu + "_cat");
                }
            }
        }
        g.addNode(at + 1, NodeProto.newBuilder().setOpType("Concat").setName("single_concat").addInput(relu)
                .addOutput(relu + "_cat").addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("axis")
                        .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT).setI(1)));
        byte[] withConcat = m.toBuilder().setGraph(g).build().toByteArray();
        try (Model plain = OnnxImporter.fromBytes(m.toByteArray(), "plain.onnx");
                Model concat = OnnxImporter.fromBytes(withConcat, "concat.onnx");
                NDManager nd = plain.manager().newSubManager()) {
            assertThat(concat.graph().nodes()).hasSameSizeAs(plain.graph().nodes());
            long[] shape = new long[plain.graph().inputShape().dimension() + 1];
            shape[0] = 2;
            System.arraycopy(plain.graph().inputShape().getShape(), 0, shape, 1, shape.length - 1);
            float[] x = new float[(int) new ai.djl.ndarray.types.Shape(shape).size()];
            Random rng = new Random(1);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextGaussian();
            }
            NDArray input = nd.create(x, new ai.djl.ndarray.types.Shape(shape));
            assertThat(concat.forward(input, false).toFloatArray()).containsExactly(plain.forward(input, false).toFloatArray());
        }
    }

    /**
     * Opset 17's LayerNormalization over the channels of a channels-last image (ConvNeXt's form) and
     * over features imports with ONNX Runtime's outputs (inspect --check's comparison).
     */
    @Test
    void opset17LayerNormalizationOverChannelsImportsWithOnnxRuntimesOutputs() throws Exception {
        Random r = new Random(3);
        GraphProto.Builder g = GraphProto.newBuilder().setName("ln17");
        g.addInput(OnnxExporter.valueInfo("x", new ai.djl.ndarray.types.Shape(4, 5, 5)));
        g.addOutput(OnnxExporter.valueInfo("y", new ai.djl.ndarray.types.Shape(3)));
        g.addInitializer(OnnxExporter.tensor("s1", randoms(r, 4), new ai.djl.ndarray.types.Shape(4)));
        g.addInitializer(OnnxExporter.tensor("b1", randoms(r, 4), new ai.djl.ndarray.types.Shape(4)));
        g.addInitializer(OnnxExporter.tensor("s2", randoms(r, 4), new ai.djl.ndarray.types.Shape(4)));
        g.addInitializer(OnnxExporter.tensor("b2", randoms(r, 4), new ai.djl.ndarray.types.Shape(4)));
        g.addInitializer(OnnxExporter.tensor("w", randoms(r, 12), new ai.djl.ndarray.types.Shape(3, 4)));
        g.addNode(OnnxExporter.node("Transpose", "last", java.util.List.of("x"), "xl").addAttribute(OnnxExporter.ints("perm", 0, 2, 3, 1)));
        g.addNode(OnnxExporter.node("LayerNormalization", "ln_image", java.util.List.of("xl", "s1", "b1"), "nl")
                .addAttribute(OnnxExporter.integer("axis", -1)).addAttribute(OnnxExporter.real("epsilon", 1e-5)));
        g.addNode(OnnxExporter.node("Transpose", "first", java.util.List.of("nl"), "n").addAttribute(OnnxExporter.ints("perm", 0, 3, 1, 2)));
        g.addNode(OnnxExporter.node("GlobalAveragePool", "gap", java.util.List.of("n"), "p"));
        g.addNode(OnnxExporter.node("Flatten", "flat", java.util.List.of("p"), "f"));
        g.addNode(OnnxExporter.node("LayerNormalization", "ln_features", java.util.List.of("f", "s2", "b2"), "fn")
                .addAttribute(OnnxExporter.integer("axis", 1)));
        g.addNode(OnnxExporter.node("Gemm", "fc", java.util.List.of("fn", "w"), "y").addAttribute(OnnxExporter.integer("transB", 1)));
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17)).build();
        java.nio.file.Path file = dir.resolve("ln17.onnx");
        java.nio.file.Files.write(file, model.toByteArray());
        try (Model m = OnnxImporter.load(file)) {
            assertThat(m.graph().nodes()).filteredOn(n -> n.op() instanceof org.prune4j.graph.ops.LayerNormOp).hasSize(2);
            ImportCheck check = ImportCheck.of(file, m, 1);
            assertThat(check.relativeDifference()).as("%s", check).isLessThan(1e-5);
            assertThat(check.exact()).isTrue();
        }
    }

    private static float[] randoms(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
