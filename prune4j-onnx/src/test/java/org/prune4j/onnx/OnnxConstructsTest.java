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
}
