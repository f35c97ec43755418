package org.prune4j.onnx;

import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;

import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.GlobalAvgPoolOp;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.model.Provenance;
import org.prune4j.plugin.Plugins;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads an ONNX file (opset 11 to 18) into a prune4j model: initializers become trainable
 * parameters and batch-norm buffers; Identity, Dropout and Constant are folded; a zero Pad before a
 * Conv is folded into its padding; Gemm/MatMul (+ Add of a bias) become linear layers;
 * Mul/Add/Sub/Div with a scalar or per-channel constant become scale-shift or channel-affine
 * nodes; shape arithmetic (Shape, Gather, Unsqueeze, Concat)
 * is evaluated, so {@code x.view(x.size(0), -1)} imports as a flatten; Reshape → Transpose →
 * Reshape channel shuffles import as a channel-shuffle node that pruning leaves untouched.
 * Anything else fails with an {@link OnnxImportException} naming the file, the node and what is
 * supported; every op type without a converter is listed at once, with its count and first node.
 * Each ONNX op type has a {@link NodeConverter}, grouped by family in the
 * {@code *Converters} classes; {@link #register} adds or replaces one.
 */
public final class OnnxImporter {

    public static final int MIN_OPSET = 11;
    public static final int MAX_OPSET = 18;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Converts one ONNX node, adding prune4j nodes and parameters (or folding it) through the context. */
    @FunctionalInterface
    public interface NodeConverter {
        /** {@code nodes} is the whole node list: a converter may fold a following node (MatMul + Add). */
        void convert(ImportContext context, NodeProto node, int index, List<NodeProto> nodes);
    }

    /** The converters by ONNX op type: one line per op; the families are in their own classes. */
    private static final Map<String, NodeConverter> CONVERTERS = new TreeMap<>();

    static {
        NodeConverter alias = (c, n, i, all) -> c.alias(n, c.input(n, 0));
        CONVERTERS.put("Identity", alias);
        CONVERTERS.put("Dropout", alias);
        CONVERTERS.put("Cast", alias);
        CONVERTERS.put("Constant", (c, n, i, all) -> c.alias(n, c.constantNode(n)));
        CONVERTERS.put("Conv", (c, n, i, all) -> ConvConverters.conv(c, n, i));
        CONVERTERS.put("Pad", (c, n, i, all) -> ConvConverters.pad(c, n, i));
        CONVERTERS.put("BatchNormalization", (c, n, i, all) -> NormalizationConverters.batchNorm(c, n, i));
        CONVERTERS.put("Relu", (c, n, i, all) -> ActivationConverters.activation(c, n, i, ActivationOp.Kind.RELU));
        CONVERTERS.put("Sigmoid", (c, n, i, all) -> ActivationConverters.activation(c, n, i, ActivationOp.Kind.SIGMOID));
        CONVERTERS.put("HardSwish", (c, n, i, all) -> ActivationConverters.activation(c, n, i, ActivationOp.Kind.HARD_SWISH));
        CONVERTERS.put("HardSigmoid", (c, n, i, all) -> ActivationConverters.hardSigmoid(c, n, i));
        CONVERTERS.put("Clip", (c, n, i, all) -> ActivationConverters.clip(c, n, i));
        CONVERTERS.put("Softmax", (c, n, i, all) -> ActivationConverters.softmax(c, n, i));
        for (String type : List.of("Add", "Sub", "Mul", "Div")) {
            CONVERTERS.put(type, ArithmeticConverters::arithmetic);
        }
        CONVERTERS.put("MaxPool", (c, n, i, all) -> PoolConverters.pool(c, n, i));
        CONVERTERS.put("AveragePool", (c, n, i, all) -> PoolConverters.pool(c, n, i));
        CONVERTERS.put("GlobalAveragePool", (c, n, i, all) -> c.add(n, i, new GlobalAvgPoolOp(true), c.act(n, 0, i)));
        CONVERTERS.put("ReduceMean", PoolConverters::reduceMean);
        CONVERTERS.put("LayerNormalization", (c, n, i, all) -> NormalizationConverters.layerNormalization(c, n, i));
        for (String partOfAPattern : List.of("Pow", "Sqrt", "Erf")) { // reached only outside layer norm and GELU
            CONVERTERS.put(partOfAPattern, (c, n, i, all) -> {
                throw c.failAt(n, i, n.getOpType() + " is supported only inside a decomposed layer norm or GELU, "
                        + "which this node is not part of");
            });
        }
        CONVERTERS.put("Concat", (c, n, i, all) -> ShapeConverters.concat(c, n, i));
        CONVERTERS.put("Flatten", (c, n, i, all) -> ShapeConverters.flatten(c, n, i));
        CONVERTERS.put("Reshape", (c, n, i, all) -> ShapeConverters.reshape(c, n, i));
        CONVERTERS.put("Transpose", ShapeConverters::transpose);
        CONVERTERS.put("Slice", (c, n, i, all) -> ShapeConverters.slice(c, n, i));
        CONVERTERS.put("ConstantOfShape", (c, n, i, all) -> ShapeArithmetic.constantOfShape(c, n, i));
        CONVERTERS.put("Equal", (c, n, i, all) -> ShapeArithmetic.equal(c, n, i));
        CONVERTERS.put("Where", (c, n, i, all) -> ShapeArithmetic.where(c, n, i));
        CONVERTERS.put("Expand", (c, n, i, all) -> ShapeArithmetic.expand(c, n, i));
        CONVERTERS.put("Mod", (c, n, i, all) -> ShapeArithmetic.mod(c, n, i));
        CONVERTERS.put("Shape", (c, n, i, all) -> ShapeConverters.shape(c, n, i));
        CONVERTERS.put("Gather", (c, n, i, all) -> ShapeConverters.gather(c, n, i));
        CONVERTERS.put("Unsqueeze", (c, n, i, all) -> ShapeConverters.squeezeOrUnsqueeze(c, n, i));
        CONVERTERS.put("Squeeze", (c, n, i, all) -> ShapeConverters.squeezeOrUnsqueeze(c, n, i));
        CONVERTERS.put("Gemm", (c, n, i, all) -> LinearConverters.gemm(c, n, i));
        CONVERTERS.put("MatMul", LinearConverters::matMul);
    }

    private OnnxImporter() {}

    /** Makes an ONNX op type importable (e.g. for an op a plugin adds), or replaces how one is imported. */
    public static void register(String onnxOpType, NodeConverter converter) {
        Plugins.load();
        synchronized (OnnxImporter.class) {
            CONVERTERS.put(onnxOpType, converter);
        }
    }

    /** The ONNX op types that import. */
    public static Set<String> supportedOps() {
        Plugins.load();
        synchronized (OnnxImporter.class) {
            return new TreeSet<>(CONVERTERS.keySet());
        }
    }

    /** The model in an ONNX file. */
    public static Model load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new OnnxImportException("cannot read ONNX file " + file + ": " + e.getMessage(), e);
        }
        return fromBytes(bytes, file.toString());
    }

    /**
     * The provenance prune4j wrote into a file's metadata ({@code prune4j.provenance}), without
     * importing the graph; null when the file has none (e.g. exported by PyTorch).
     */
    public static Provenance readProvenance(Path file) {
        try {
            return metadataProvenance(ModelProto.parseFrom(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new OnnxImportException("cannot read ONNX file " + file + ": " + e.getMessage(), e);
        }
    }

    private static Provenance metadataProvenance(ModelProto proto) {
        for (var e : proto.getMetadataPropsList()) {
            if (e.getKey().equals("prune4j.provenance")) {
                try {
                    return Provenance.fromMap(JSON.readValue(e.getValue(), new TypeReference<Map<String, Object>>() {}));
                } catch (IOException | RuntimeException ignored) {
                    return null; // foreign or damaged metadata: the model itself is still valid
                }
            }
        }
        return null;
    }

    /** The model in ONNX bytes; {@code source} names them in errors. */
    public static Model fromBytes(byte[] bytes, String source) {
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxImportException(source + " is not a valid ONNX file (truncated or not protobuf): "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new OnnxImportException(source + " is not a valid ONNX file: " + e, e);
        }
        try {
            return convert(new ImportContext(source), proto);
        } catch (OnnxImportException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new OnnxImportException(source + ": " + e.getMessage(), e);
        }
    }

    private static Model convert(ImportContext ctx, ModelProto proto) {
        if (!proto.hasGraph()) {
            throw ctx.fail("the file has no graph (is it an ONNX model?)");
        }
        ctx.opset = opset(ctx, proto);
        GraphProto g = proto.getGraph();
        for (TensorProto t : g.getInitializerList()) {
            ctx.values.put(t.getName(), ImportContext.constant(t));
        }
        String inputName = graphInput(ctx, g);
        for (NodeProto n : g.getNodeList()) {
            for (String in : n.getInputList()) {
                ctx.consumers.merge(in, 1, Integer::sum);
            }
        }
        List<NodeProto> nodes = g.getNodeList();
        Map<Integer, WindowAttentionConverter.Region> windowAttention = WindowAttentionConverter.claim(ctx, nodes);
        refuseUnsupportedOps(ctx, nodes);
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            WindowAttentionConverter.Region region = windowAttention.get(i);
            if (region == null && ctx.skipped.contains(ctx.nodeId(n, i))) {
                continue;
            }
            try {
                if (region != null) {
                    WindowAttentionConverter.convert(ctx, region, nodes);
                } else {
                    convertNode(ctx, n, i, nodes);
                }
            } catch (OnnxImportException e) {
                throw e;
            } catch (RuntimeException e) {
                throw ctx.failAt(n, i, e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
        if (g.getOutputCount() != 1) {
            throw ctx.fail("the graph has " + g.getOutputCount() + " outputs; prune4j imports models with one output");
        }
        ImportValue out = ctx.values.get(g.getOutput(0).getName());
        if (!(out instanceof ImportValue.Act act) || act.node().equals(inputName)) {
            throw ctx.fail("graph output '" + g.getOutput(0).getName() + "' is not computed by a supported node");
        }
        Graph built = ctx.graph.setOutput(act.node()).build();
        return toModel(ctx, built, proto);
    }

    private static int opset(ImportContext ctx, ModelProto proto) {
        int found = -1;
        for (OperatorSetIdProto o : proto.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                found = (int) o.getVersion();
            }
        }
        if (found < MIN_OPSET || found > MAX_OPSET) {
            throw ctx.fail("opset " + (found < 0 ? "(none given)" : found) + " is not supported; prune4j imports opsets "
                    + MIN_OPSET + " to " + MAX_OPSET + " (re-export with e.g. torch.onnx.export(..., opset_version=17))");
        }
        return found;
    }

    private static String graphInput(ImportContext ctx, GraphProto g) {
        List<ValueInfoProto> inputs = g.getInputList().stream().filter(v -> !ctx.values.containsKey(v.getName())).toList();
        if (inputs.size() != 1) {
            throw ctx.fail("the graph has " + inputs.size() + " non-constant inputs " + inputs.stream()
                    .map(ValueInfoProto::getName).toList() + "; prune4j imports models with one input");
        }
        ValueInfoProto in = inputs.get(0);
        if (!in.getType().hasTensorType() || !in.getType().getTensorType().hasShape()) {
            throw ctx.fail("input '" + in.getName() + "' has no tensor shape; prune4j needs (N, C, H, W) or (N, F)");
        }
        List<TensorShapeProto.Dimension> dims = in.getType().getTensorType().getShape().getDimList();
        if (dims.size() != 4 && dims.size() != 2) {
            throw ctx.fail("input '" + in.getName() + "' has " + dims.size() + " dimensions; expected (N, C, H, W) or (N, F)");
        }
        long[] perSample = new long[dims.size() - 1];
        ctx.fixedBatch = dims.get(0).hasDimValue() ? dims.get(0).getDimValue() : 0;
        for (int i = 1; i < dims.size(); i++) {
            TensorShapeProto.Dimension d = dims.get(i);
            if (!d.hasDimValue() || d.getDimValue() <= 0) {
                throw ctx.fail("input '" + in.getName() + "' dimension " + i + " is dynamic"
                        + (d.hasDimParam() ? " ('" + d.getDimParam() + "')" : "")
                        + "; prune4j needs fixed sizes for every dimension but the batch (export with a fixed image size)");
            }
            perSample[i - 1] = d.getDimValue();
        }
        String name = ctx.unique(in.getName());
        ctx.graph.setInput(name, new Shape(perSample));
        ctx.values.put(in.getName(), new ImportValue.Act(name));
        return name;
    }

    /** Names every op type (with its domain) no converter handles, each with its count and first node, in one error. */
    private static void refuseUnsupportedOps(ImportContext ctx, List<NodeProto> nodes) {
        Map<String, List<String>> unsupported = new LinkedHashMap<>();
        Set<String> supported = supportedOps();
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            if (ctx.skipped.contains(ctx.nodeId(n, i))) {
                continue; // inside a block imported as a whole
            }
            boolean defaultDomain = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
            if (!defaultDomain || !supported.contains(n.getOpType())) {
                String op = defaultDomain ? n.getOpType() : n.getDomain() + "." + n.getOpType();
                unsupported.computeIfAbsent(op, k -> new java.util.ArrayList<>())
                        .add(n.getName().isEmpty() ? "#" + i : n.getName());
            }
        }
        if (unsupported.isEmpty()) {
            return;
        }
        StringBuilder s = new StringBuilder();
        unsupported.forEach((op, at) -> s.append(s.length() == 0 ? "" : ", ").append('\'').append(op).append("' ×")
                .append(at.size()).append(" (first: node '").append(at.get(0)).append("')"));
        throw ctx.fail(unsupported.size() + " op type" + (unsupported.size() == 1 ? " is" : "s are")
                + " not supported: " + s + "; supported ops: " + supported);
    }

    private static void convertNode(ImportContext ctx, NodeProto n, int index, List<NodeProto> nodes) {
        String type = n.getOpType();
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            throw ctx.failAt(n, index, "op '" + type + "' of domain '" + n.getDomain() + "' is not supported; "
                    + "supported ops: " + supportedOps());
        }
        Plugins.load();
        NodeConverter converter;
        synchronized (OnnxImporter.class) {
            converter = CONVERTERS.get(type);
        }
        if (converter == null) {
            throw ctx.failAt(n, index, "op type '" + type + "' is not supported; supported ops: " + supportedOps());
        }
        converter.convert(ctx, n, index, nodes);
    }

    private static Model toModel(ImportContext ctx, Graph built, ModelProto proto) {
        Provenance parent = metadataProvenance(proto);
        // Check every parameter against the layer before the model allocates anything: a damaged
        // shape (say, a huge image size before a linear layer) must fail here, not exhaust memory.
        for (var node : built.nodes()) {
            for (var spec : node.op().parameters(built.inputShapesOf(node))) {
                float[] v = ctx.parameters.getOrDefault(node.name(), Map.of()).get(spec.name());
                if (v == null) {
                    throw ctx.fail("node '" + node.name() + "' has no value for its parameter '" + spec.name() + "'");
                }
                if (v.length != spec.shape().size()) {
                    throw ctx.fail("node '" + node.name() + "': parameter '" + spec.name() + "' has " + v.length
                            + " values, the layer needs " + spec.shape());
                }
            }
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("source", ctx.source);
        settings.put("producer", proto.getProducerName() + " " + proto.getProducerVersion());
        settings.put("opset", ctx.opset);
        Model model = Model.builder().setGraph(built).optProvenance(Provenance.of("onnx-import", settings, parent)).build();
        try {
            Map<String, Map<String, Parameter>> params = new LinkedHashMap<>();
            for (var node : built.nodes()) {
                Map<String, Parameter> own = new LinkedHashMap<>();
                for (Parameter p : model.parametersOf(node.name()).values()) {
                    float[] v = ctx.parameters.get(node.name()).get(p.name());
                    own.put(p.name(), model.newParameter(node.name(), p.name(), p.trainable(),
                            Engines.create(model.manager(), v, p.value().getShape())));
                }
                params.put(node.name(), own);
            }
            model.setStructure(built, params);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e instanceof OnnxImportException ? e : ctx.fail(e.getMessage());
        }
    }
}
