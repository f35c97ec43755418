package org.prune4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.model.Model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

/** Bad ONNX input ends in prune4j's own error, naming what is wrong; never a crash or a hang. */
class OnnxImportErrorsTest {

    @TempDir
    Path dir;

    static byte[] fixtureBytes(String name) throws IOException {
        try (InputStream in = OnnxImportErrorsTest.class.getResourceAsStream("fixtures/" + name + ".onnx")) {
            return in.readAllBytes();
        }
    }

    static ModelProto fixture(String name) throws IOException {
        return ModelProto.parseFrom(fixtureBytes(name));
    }

    @Test
    void anUnsupportedOpIsNamedWithItsNodeAndTheSupportedOps() throws IOException {
        ModelProto m = fixture("resnet");
        ModelProto.Builder b = m.toBuilder();
        NodeProto relu = m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Relu")).findFirst().orElseThrow();
        int at = m.getGraph().getNodeList().indexOf(relu);
        b.getGraphBuilder().setNode(at, relu.toBuilder().setOpType("Elu"));
        assertThatThrownBy(() -> OnnxImporter.fromBytes(b.build().toByteArray(), "m.onnx"))
                .isInstanceOf(OnnxImportException.class).hasMessageContaining("m.onnx")
                .hasMessageContaining("'" + relu.getName() + "'").hasMessageContaining("'Elu'")
                .hasMessageContaining("supported ops: [").hasMessageContaining("Conv");
    }

    @Test
    void everyUnsupportedOpTypeOfAFileIsNamedAtOnceWithItsCountAndFirstNode() throws IOException {
        ModelProto m = fixture("resnet");
        ModelProto.Builder b = m.toBuilder();
        java.util.List<NodeProto> nodes = m.getGraph().getNodeList();
        java.util.List<Integer> relus = new java.util.ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).getOpType().equals("Relu")) {
                relus.add(i);
            }
        }
        assertThat(relus.size()).isGreaterThanOrEqualTo(3);
        b.getGraphBuilder().setNode(relus.get(0), nodes.get(relus.get(0)).toBuilder().setOpType("Elu"));
        b.getGraphBuilder().setNode(relus.get(1), nodes.get(relus.get(1)).toBuilder().setOpType("Elu"));
        b.getGraphBuilder().setNode(relus.get(2), nodes.get(relus.get(2)).toBuilder().setOpType("Relu")
                .setDomain("com.example"));
        assertThatThrownBy(() -> OnnxImporter.fromBytes(b.build().toByteArray(), "m.onnx"))
                .isInstanceOf(OnnxImportException.class).isNotInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("m.onnx: 2 op types are not supported: 'Elu' ×2 (first: node '"
                        + nodes.get(relus.get(0)).getName() + "'), 'com.example.Relu' ×1 (first: node '"
                        + nodes.get(relus.get(2)).getName() + "')");
    }

    @Test
    void aMissingInitializerIsNamed() throws IOException {
        ModelProto m = fixture("resnet");
        ModelProto.Builder b = m.toBuilder();
        String removed = b.getGraph().getInitializer(0).getName();
        b.getGraphBuilder().removeInitializer(0);
        b.getGraphBuilder().clearInput().addInput(m.getGraph().getInput(0));
        assertThatThrownBy(() -> OnnxImporter.fromBytes(b.build().toByteArray(), "m.onnx"))
                .isInstanceOf(OnnxImportException.class).hasMessageContaining("'" + removed + "'")
                .hasMessageContaining("missing initializer");
    }

    @Test
    void aDynamicImageSizeIsRefusedNamingTheDimension() throws IOException {
        ModelProto m = fixture("resnet");
        ModelProto.Builder b = m.toBuilder();
        b.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                .setDim(2, TensorShapeProto.Dimension.newBuilder().setDimParam("height"));
        assertThatThrownBy(() -> OnnxImporter.fromBytes(b.build().toByteArray(), "m.onnx"))
                .isInstanceOf(OnnxImportException.class).hasMessageContaining("dimension 2 is dynamic ('height')");
    }

    @Test
    void anUnsupportedOpsetIsNamed() throws IOException {
        ModelProto.Builder b = fixture("resnet").toBuilder();
        b.getOpsetImportBuilder(0).setVersion(7);
        assertThatThrownBy(() -> OnnxImporter.fromBytes(b.build().toByteArray(), "m.onnx"))
                .isInstanceOf(OnnxImportException.class).hasMessageContaining("opset 7").hasMessageContaining("11 to 18");
    }

    @Test
    void aNegativePadIsRefusedRatherThanFoldedIntoTheNextLayer() throws IOException {
        ModelProto m = fixture("inception");
        ModelProto.Builder b = m.toBuilder();
        NodeProto pad = m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Pad")).findFirst().orElseThrow();
        String padsName = pad.getInput(1);
        ai.onnx.proto.OnnxMl.TensorProto negative = ai.onnx.proto.OnnxMl.TensorProto.newBuilder().setName(padsName)
                .setDataType(ai.onnx.proto.OnnxMl.TensorProto.DataType.INT64_VALUE).addDims(8)
                .addAllInt64Data(java.util.List.of(0L, 0L, -1L, -1L, 0L, 0L, -1L, -1L)).build();
        // the pads come from an initializer or a Constant node: replace whichever it is
        for (int i = 0; i < b.getGraph().getInitializerCount(); i++) {
            if (b.getGraph().getInitializer(i).getName().equals(padsName)) {
                b.getGraphBuilder().setInitializer(i, negative);
            }
        }
        for (int i = 0; i < b.getGraph().getNodeCount(); i++) {
            NodeProto n = b.getGraph().getNode(i);
            if (n.getOpType().equals("Constant") && n.getOutput(0).equals(padsName)) {
                b.getGraphBuilder().setNode(i, n.toBuilder().clearAttribute().addAttribute(
                        ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("value")
                                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.TENSOR).setT(negative)));
            }
        }
        assertThatThrownBy(() -> OnnxImporter.fromBytes(b.build().toByteArray(), "m.onnx"))
                .isInstanceOf(OnnxImportException.class).hasMessageContaining("(Pad)").hasMessageContaining("non-negative")
                .hasMessageContaining("-1");
    }

    @Test
    void truncatedBitFlippedAndRandomFilesAllEndInPrune4jsOwnError() throws IOException {
        byte[] valid = fixtureBytes("mobilenetv2");
        Random rng = new Random(42);
        int imported = 0;
        int refused = 0;
        for (int trial = 0; trial < 300; trial++) {
            byte[] bytes;
            if (trial % 3 == 0) {
                bytes = Arrays.copyOf(valid, rng.nextInt(valid.length));
            } else if (trial % 3 == 1) {
                bytes = valid.clone();
                for (int flips = 1 + rng.nextInt(8); flips > 0; flips--) {
                    int i = rng.nextInt(bytes.length);
                    bytes[i] ^= (byte) (1 << rng.nextInt(8));
                }
            } else {
                bytes = new byte[rng.nextInt(4096)];
                rng.nextBytes(bytes);
            }
            byte[] input = bytes;
            boolean ok = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                try (Model model = OnnxImporter.fromBytes(input, "fuzz.onnx")) {
                    // what imports also runs: a damaged file never yields a model that crashes later
                    long[] shape = new long[model.graph().inputShape().dimension() + 1];
                    shape[0] = 1;
                    System.arraycopy(model.graph().inputShape().getShape(), 0, shape, 1, shape.length - 1);
                    try (var m = model.manager().newSubManager()) {
                        model.forward(m.zeros(new ai.djl.ndarray.types.Shape(shape)), false);
                    }
                    return true;
                } catch (OnnxImportException e) {
                    assertThat(e.getMessage()).startsWith("fuzz.onnx");
                    return false;
                }
            }, "trial " + trial);
            if (ok) {
                imported++;
            } else {
                refused++;
            }
        }
        assertThat(refused).as("most damaged files are refused").isGreaterThan(150);
        assertThat(imported).as("some bit flips only change weights: those files import and run").isPositive();
    }
}
