package org.prune4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;

import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.AddOp;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.graph.ops.ChannelAffineOp;
import org.prune4j.graph.ops.ChannelShuffleOp;
import org.prune4j.graph.ops.AddConstantOp;
import org.prune4j.graph.ops.AttentionOp;
import org.prune4j.graph.ops.LayerNormOp;
import org.prune4j.graph.ops.PrependTokensOp;
import org.prune4j.graph.ops.SelectTokenOp;
import org.prune4j.graph.ops.SpatialFlattenOp;
import org.prune4j.graph.ops.SliceOp;
import org.prune4j.graph.ops.StridedSliceOp;
import org.prune4j.graph.ops.WindowAttentionOp;
import org.prune4j.graph.ops.ConcatOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.DropoutOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.GlobalAvgPoolOp;
import org.prune4j.graph.ops.IdentityOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.graph.ops.MulOp;
import org.prune4j.graph.ops.Pool2dOp;
import org.prune4j.graph.ops.ScaleShiftOp;
import org.prune4j.graph.ops.SoftmaxOp;
import org.prune4j.model.AtomicFile;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.plugin.Plugins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a prune4j model as ONNX (opset 17): one or a few ONNX nodes per prune4j node, weights as
 * initializers named {@code node.parameter}, a dynamic batch dimension, and the model's
 * provenance as JSON in the metadata ({@code prune4j.provenance}). Eval-mode semantics: dropout
 * becomes Identity and batch norm uses its running statistics.
 */
public final class OnnxExporter {

    public static final int OPSET = 17;
    private static final ObjectMapper JSON = new ObjectMapper();

    private OnnxExporter() {}

    /** Writes the file atomically (a temporary file moved into place). */
    public static void export(Model model, Path file) {
        byte[] bytes = toProto(model).toByteArray();
        try {
            AtomicFile.write(file, out -> out.write(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write ONNX file " + file + ": " + e.getMessage(), e);
        }
    }

    public static ModelProto toProto(Model model) {
        Graph graph = model.graph();
        GraphProto.Builder g = GraphProto.newBuilder().setName("prune4j");
        g.addInput(valueInfo(graph.inputName(), graph.inputShape()));
        for (Node n : graph.nodes()) {
            for (Parameter p : model.parametersOf(n.name()).values()) {
                g.addInitializer(tensor(p.fullName(), p.value().toFloatArray(), p.value().getShape()));
            }
            writeNode(n, graph, g);
        }
        g.addOutput(valueInfo(graph.outputName(), graph.shapeOf(graph.outputName())));
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(8).setProducerName("prune4j")
                .setProducerVersion(Engines.versions().get("prune4j")).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
        if (model.provenance() != null) {
            try {
                m.addMetadataProps(StringStringEntryProto.newBuilder().setKey("prune4j.provenance")
                        .setValue(JSON.writeValueAsString(model.provenance().toMap())));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write provenance as JSON", e);
            }
        }
        m.addMetadataProps(StringStringEntryProto.newBuilder().setKey("prune4j.versions")
                .setValue(Engines.versions().toString()));
        return m.build();
    }

    /** Writes one prune4j node as ONNX nodes (and constant initializers) into the graph being built. */
    @FunctionalInterface
    public interface OpExporter {
        /** The node's parameters are already initializers named {@code node.parameter}. */
        void write(Node node, Graph graph, GraphProto.Builder out);
    }

    /** The exporters by prune4j op type. */
    private static final Map<String, OpExporter> EXPORTERS = new TreeMap<>();

    static {
        EXPORTERS.put(Conv2dOp.TYPE, OnnxExporter::conv);
        EXPORTERS.put(BatchNormOp.TYPE, (n, graph, g) -> g.addNode(node("BatchNormalization", n.name(),
                List.of(n.inputs().get(0), n.name() + ".weight", n.name() + ".bias", n.name() + ".runningMean",
                        n.name() + ".runningVar"), n.name())
                .addAttribute(real("epsilon", ((BatchNormOp) n.op()).epsilon()))));
        EXPORTERS.put(LinearOp.TYPE, OnnxExporter::linear);
        EXPORTERS.put(ActivationOp.TYPE, (n, graph, g) -> writeActivation((ActivationOp) n.op(), n.name(), n.inputs().get(0), g));
        EXPORTERS.put(Pool2dOp.TYPE, OnnxExporter::pool);
        EXPORTERS.put(GlobalAvgPoolOp.TYPE, OnnxExporter::globalAvgPool);
        EXPORTERS.put(FlattenOp.TYPE, (n, graph, g) -> g.addNode(node("Flatten", n.name(), n.inputs(), n.name())
                .addAttribute(integer("axis", 1))));
        EXPORTERS.put(AddOp.TYPE, (n, graph, g) -> g.addNode(node("Add", n.name(), n.inputs(), n.name())));
        EXPORTERS.put(MulOp.TYPE, (n, graph, g) -> g.addNode(node("Mul", n.name(), n.inputs(), n.name())));
        EXPORTERS.put(ConcatOp.TYPE, (n, graph, g) -> g.addNode(node("Concat", n.name(), n.inputs(), n.name())
                .addAttribute(integer("axis", 1))));
        OpExporter identity = (n, graph, g) -> g.addNode(node("Identity", n.name(), n.inputs(), n.name()));
        EXPORTERS.put(DropoutOp.TYPE, identity);
        EXPORTERS.put(IdentityOp.TYPE, identity);
        EXPORTERS.put(ScaleShiftOp.TYPE, OnnxExporter::scaleShift);
        EXPORTERS.put(ChannelAffineOp.TYPE, OnnxExporter::channelAffine);
        EXPORTERS.put(SoftmaxOp.TYPE, (n, graph, g) -> g.addNode(node("Softmax", n.name(), n.inputs(), n.name())
                .addAttribute(integer("axis", 1))));
        EXPORTERS.put(ChannelShuffleOp.TYPE, OnnxExporter::channelShuffle);
        EXPORTERS.put(SliceOp.TYPE, OnnxExporter::slice);
        EXPORTERS.put(LayerNormOp.TYPE, OnnxExporter::layerNorm);
        EXPORTERS.put(SpatialFlattenOp.TYPE, TokenExporters::spatialFlatten);
        EXPORTERS.put(AddConstantOp.TYPE, TokenExporters::addConstant);
        EXPORTERS.put(PrependTokensOp.TYPE, TokenExporters::prependTokens);
        EXPORTERS.put(SelectTokenOp.TYPE, TokenExporters::selectToken);
        EXPORTERS.put(AttentionOp.TYPE, TokenExporters::attention);
        EXPORTERS.put(WindowAttentionOp.TYPE, WindowExporters::windowAttention);
        EXPORTERS.put(StridedSliceOp.TYPE, WindowExporters::stridedSlice);
    }

    /** Makes an op type exportable (e.g. an op a plugin adds), or replaces how one is exported. */
    public static void register(String opType, OpExporter exporter) {
        Plugins.load();
        synchronized (OnnxExporter.class) {
            EXPORTERS.put(opType, exporter);
        }
    }

    private static void writeNode(Node n, Graph graph, GraphProto.Builder g) {
        Plugins.load();
        OpExporter exporter;
        synchronized (OnnxExporter.class) {
            exporter = EXPORTERS.get(n.op().type());
            if (exporter == null) {
                throw new IllegalArgumentException("node '" + n.name() + "': op type '" + n.op().type()
                        + "' has no ONNX export (OnnxExporter.register adds one); exportable: " + EXPORTERS.keySet());
            }
        }
        exporter.write(n, graph, g);
    }

    private static void conv(Node n, Graph graph, GraphProto.Builder g) {
        Conv2dOp c = (Conv2dOp) n.op();
        String name = n.name();
        List<String> inputs = new ArrayList<>(List.of(n.inputs().get(0), name + ".weight"));
        if (c.hasBias()) {
            inputs.add(name + ".bias");
        }
        int[] p = c.padding();
        g.addNode(node("Conv", name, inputs, name)
                .addAttribute(ints("kernel_shape", c.kernel()[0], c.kernel()[1]))
                .addAttribute(ints("strides", c.stride()[0], c.stride()[1]))
                .addAttribute(ints("pads", p[0], p[1], p[0], p[1]))
                .addAttribute(ints("dilations", c.dilation()[0], c.dilation()[1]))
                .addAttribute(integer("group", c.groups())));
    }

    private static void linear(Node n, Graph graph, GraphProto.Builder g) {
        List<String> inputs = new ArrayList<>(List.of(n.inputs().get(0), n.name() + ".weight"));
        if (((LinearOp) n.op()).hasBias()) {
            inputs.add(n.name() + ".bias");
        }
        g.addNode(node("Gemm", n.name(), inputs, n.name()).addAttribute(integer("transB", 1)));
    }

    private static void pool(Node n, Graph graph, GraphProto.Builder g) {
        Map<String, Object> a = n.op().attributes();
        int k = (Integer) a.get("kernel");
        int s = (Integer) a.get("stride");
        int p = (Integer) a.get("padding");
        boolean max = a.get("kind").equals("max");
        NodeProto.Builder b = node(max ? "MaxPool" : "AveragePool", n.name(), n.inputs(), n.name())
                .addAttribute(ints("kernel_shape", k, k)).addAttribute(ints("strides", s, s))
                .addAttribute(ints("pads", p, p, p, p));
        if (!max) {
            b.addAttribute(integer("count_include_pad", 1));
        }
        if (Boolean.TRUE.equals(a.get("ceilMode"))) {
            b.addAttribute(integer("ceil_mode", 1));
        }
        g.addNode(b);
    }

    private static void globalAvgPool(Node n, Graph graph, GraphProto.Builder g) {
        String name = n.name();
        boolean keep = (Boolean) n.op().attributes().get("keepDims");
        g.addNode(node("GlobalAveragePool", name, n.inputs(), keep ? name : name + "/pooled"));
        if (!keep) {
            g.addNode(node("Flatten", name + "/flatten", List.of(name + "/pooled"), name).addAttribute(integer("axis", 1)));
        }
    }

    private static void scaleShift(Node n, Graph graph, GraphProto.Builder g) {
        ScaleShiftOp ss = (ScaleShiftOp) n.op();
        String name = n.name();
        g.addInitializer(tensor(name + "/scale", new float[] {(float) ss.scale()}, new Shape()));
        g.addInitializer(tensor(name + "/shift", new float[] {(float) ss.shift()}, new Shape()));
        g.addNode(node("Mul", name + "/mul", List.of(n.inputs().get(0), name + "/scale"), name + "/scaled"));
        g.addNode(node("Add", name, List.of(name + "/scaled", name + "/shift"), name));
    }

    private static void channelAffine(Node n, Graph graph, GraphProto.Builder g) {
        String name = n.name();
        String scale = name + ".scale";
        String shift = name + ".shift";
        Shape s = graph.shapeOf(name);
        if (s.dimension() == 3) { // (C) would broadcast against W: give it the shape (C, 1, 1)
            g.addInitializer(int64(name + "/perChannel", s.get(0), 1, 1));
            g.addNode(node("Reshape", name + "/scale", List.of(scale, name + "/perChannel"), name + "/scale3"));
            g.addNode(node("Reshape", name + "/shift", List.of(shift, name + "/perChannel"), name + "/shift3"));
            scale = name + "/scale3";
            shift = name + "/shift3";
        }
        g.addNode(node("Mul", name + "/mul", List.of(n.inputs().get(0), scale), name + "/scaled"));
        g.addNode(node("Add", name, List.of(name + "/scaled", shift), name));
    }

    private static void channelShuffle(Node n, Graph graph, GraphProto.Builder g) {
        String name = n.name();
        Shape s = graph.shapeOf(name);
        long groups = ((ChannelShuffleOp) n.op()).groups();
        g.addInitializer(int64(name + "/grouped", 0, groups, s.get(0) / groups, s.get(1), s.get(2)));
        g.addInitializer(int64(name + "/merged", 0, s.get(0), s.get(1), s.get(2)));
        g.addNode(node("Reshape", name + "/group", List.of(n.inputs().get(0), name + "/grouped"), name + "/g"));
        g.addNode(node("Transpose", name + "/swap", List.of(name + "/g"), name + "/t")
                .addAttribute(ints("perm", 0, 2, 1, 3, 4)));
        g.addNode(node("Reshape", name, List.of(name + "/t", name + "/merged"), name));
    }

    private static void slice(Node n, Graph graph, GraphProto.Builder g) {
        SliceOp slice = (SliceOp) n.op();
        String name = n.name();
        g.addInitializer(int64(name + "/starts", slice.start()));
        g.addInitializer(int64(name + "/ends", slice.end()));
        g.addInitializer(int64(name + "/axes", 1));
        g.addNode(node("Slice", name, List.of(n.inputs().get(0), name + "/starts", name + "/ends", name + "/axes"), name));
    }

    /**
     * Across the channels (axis 1), which LayerNormalization cannot say for images (it normalizes
     * trailing axes); in the decomposed form PyTorch's exporter writes, which the importer recognises.
     */
    private static void layerNorm(Node n, Graph graph, GraphProto.Builder g) {
        String name = n.name();
        String in = n.inputs().get(0);
        g.addInitializer(tensor(name + "/eps", new float[] {((LayerNormOp) n.op()).epsilon()}, new Shape()));
        g.addInitializer(tensor(name + "/two", new float[] {2}, new Shape()));
        g.addNode(node("ReduceMean", name + "/mean", List.of(in), name + "/mean").addAttribute(ints("axes", 1L)));
        g.addNode(node("Sub", name + "/sub", List.of(in, name + "/mean"), name + "/centered"));
        g.addNode(node("Pow", name + "/square", List.of(name + "/centered", name + "/two"), name + "/squared"));
        g.addNode(node("ReduceMean", name + "/var", List.of(name + "/squared"), name + "/var").addAttribute(ints("axes", 1L)));
        g.addNode(node("Add", name + "/add", List.of(name + "/var", name + "/eps"), name + "/shifted"));
        g.addNode(node("Sqrt", name + "/sqrt", List.of(name + "/shifted"), name + "/std"));
        g.addNode(node("Div", name, List.of(name + "/centered", name + "/std"), name));
    }

    private static void writeActivation(ActivationOp a, String name, String in, GraphProto.Builder g) {
        switch (a.kind()) {
            case RELU -> g.addNode(node("Relu", name, List.of(in), name));
            case RELU6 -> {
                g.addInitializer(tensor(name + "/min", new float[] {0}, new Shape()));
                g.addInitializer(tensor(name + "/max", new float[] {6}, new Shape()));
                g.addNode(node("Clip", name, List.of(in, name + "/min", name + "/max"), name));
            }
            case SIGMOID -> g.addNode(node("Sigmoid", name, List.of(in), name));
            case HARD_SIGMOID -> g.addNode(node("HardSigmoid", name, List.of(in), name)
                    .addAttribute(real("alpha", 1.0 / 6)).addAttribute(real("beta", 0.5)));
            case HARD_SWISH -> g.addNode(node("HardSwish", name, List.of(in), name));
            case SILU -> {
                g.addNode(node("Sigmoid", name + "/sigmoid", List.of(in), name + "/gate"));
                g.addNode(node("Mul", name, List.of(in, name + "/gate"), name));
            }
            case GELU -> { // x · (1 + erf(x / √2)) / 2: the form PyTorch's exporter writes (Gelu is opset 20)
                g.addInitializer(tensor(name + "/sqrt2", new float[] {(float) Math.sqrt(2)}, new Shape()));
                g.addInitializer(tensor(name + "/one", new float[] {1}, new Shape()));
                g.addInitializer(tensor(name + "/half", new float[] {0.5f}, new Shape()));
                g.addNode(node("Div", name + "/div", List.of(in, name + "/sqrt2"), name + "/scaled"));
                g.addNode(node("Erf", name + "/erf", List.of(name + "/scaled"), name + "/erf"));
                g.addNode(node("Add", name + "/add", List.of(name + "/erf", name + "/one"), name + "/cdf2"));
                g.addNode(node("Mul", name + "/mul", List.of(in, name + "/cdf2"), name + "/twice"));
                g.addNode(node("Mul", name, List.of(name + "/twice", name + "/half"), name));
            }
            default -> throw new IllegalArgumentException("node '" + name + "': activation " + a.kind() + " has no ONNX export");
        }
    }

    public static NodeProto.Builder node(String type, String name, List<String> inputs, String output) {
        return NodeProto.newBuilder().setOpType(type).setName(name).addAllInput(inputs).addOutput(output);
    }

    public static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    public static AttributeProto ints(String name, int... values) {
        long[] l = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            l[i] = values[i];
        }
        return ints(name, l);
    }

    public static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static AttributeProto real(String name, double value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT)
                .setF((float) value).build();
    }

    public static TensorProto tensor(String name, float[] values, Shape shape) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(buf.array()));
        for (long d : shape.getShape()) {
            t.addDims(d);
        }
        return t.build();
    }

    public static TensorProto int64(String name, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.build();
    }

    static ValueInfoProto valueInfo(String name, Shape perSample) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (long d : perSample.getShape()) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
