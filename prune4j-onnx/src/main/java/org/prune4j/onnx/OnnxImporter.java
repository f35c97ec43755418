package org.prune4j.onnx;

import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.AttributeProto;
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
import org.prune4j.graph.Op;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.AddOp;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.graph.ops.ChannelAffineOp;
import org.prune4j.graph.ops.ChannelShuffleOp;
import org.prune4j.graph.ops.ConcatOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.GlobalAvgPoolOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.graph.ops.MulOp;
import org.prune4j.graph.ops.Pool2dOp;
import org.prune4j.graph.ops.ScaleShiftOp;
import org.prune4j.graph.ops.SoftmaxOp;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.model.Provenance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * supported.
 */
public final class OnnxImporter {

    public static final int MIN_OPSET = 11;
    public static final int MAX_OPSET = 18;
    public static final Set<String> SUPPORTED_OPS = new TreeSet<>(List.of("Conv", "BatchNormalization", "Relu",
            "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Mul", "Add", "Sub", "Div", "Concat", "MaxPool",
            "AveragePool", "GlobalAveragePool", "ReduceMean", "Flatten", "Reshape", "Gemm", "MatMul", "Identity",
            "Constant", "Dropout", "Pad", "Softmax", "Shape", "Gather", "Unsqueeze", "Squeeze", "Cast", "Transpose"));
    private static final long BATCH = Long.MIN_VALUE; // the batch dimension inside evaluated shapes
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final Graph.Builder graph = Graph.builder();
    private final Map<String, Value> values = new HashMap<>();
    private final Map<String, Map<String, float[]>> parameters = new LinkedHashMap<>();
    private final Map<String, Integer> consumers = new HashMap<>();
    private final Set<String> usedNames = new HashSet<>();
    private final Set<String> skipped = new HashSet<>(); // nodes folded into an earlier one
    private int opset;

    private OnnxImporter(String source) {
        this.source = source;
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

    @SuppressWarnings("unchecked")
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
        OnnxImporter importer = new OnnxImporter(source);
        try {
            return importer.convert(proto);
        } catch (OnnxImportException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new OnnxImportException(source + ": " + e.getMessage(), e);
        }
    }

    /** What an ONNX value is during import. */
    private sealed interface Value permits Act, Const, Padded, Grouped, Swapped {}

    /** An activation: the output of a prune4j node (or the graph input). */
    private record Act(String node) implements Value {}

    /** A constant: numbers with dims (float or integer; shapes use {@link #BATCH} for the batch dimension). */
    private record Const(float[] floats, long[] longs, long[] dims) implements Value {}

    /** An activation waiting for a zero pad to be folded into the next Conv: pads (top, left, bottom, right). */
    private record Padded(String node, long[] pads) implements Value {}

    /** First and second step of a channel shuffle (Reshape to groups, Transpose). */
    private record Grouped(String node, long groups) implements Value {}

    private record Swapped(String node, long groups) implements Value {}

    private Model convert(ModelProto proto) {
        if (!proto.hasGraph()) {
            throw fail("the file has no graph (is it an ONNX model?)");
        }
        opset = opset(proto);
        GraphProto g = proto.getGraph();
        for (TensorProto t : g.getInitializerList()) {
            values.put(t.getName(), constant(t));
        }
        String inputName = graphInput(g);
        for (NodeProto n : g.getNodeList()) {
            for (String in : n.getInputList()) {
                consumers.merge(in, 1, Integer::sum);
            }
        }
        List<NodeProto> nodes = g.getNodeList();
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            if (skipped.contains(nodeId(n, i))) {
                continue;
            }
            try {
                convertNode(n, i, nodes);
            } catch (OnnxImportException e) {
                throw e;
            } catch (RuntimeException e) {
                throw failAt(n, i, e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
        if (g.getOutputCount() != 1) {
            throw fail("the graph has " + g.getOutputCount() + " outputs; prune4j imports models with one output");
        }
        Value out = values.get(g.getOutput(0).getName());
        if (!(out instanceof Act act) || act.node().equals(inputName)) {
            throw fail("graph output '" + g.getOutput(0).getName() + "' is not computed by a supported node");
        }
        Graph built = graph.setOutput(act.node()).build();
        return toModel(built, proto);
    }

    private int opset(ModelProto proto) {
        int found = -1;
        for (OperatorSetIdProto o : proto.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                found = (int) o.getVersion();
            }
        }
        if (found < MIN_OPSET || found > MAX_OPSET) {
            throw fail("opset " + (found < 0 ? "(none given)" : found) + " is not supported; prune4j imports opsets "
                    + MIN_OPSET + " to " + MAX_OPSET + " (re-export with e.g. torch.onnx.export(..., opset_version=17))");
        }
        return found;
    }

    private String graphInput(GraphProto g) {
        List<ValueInfoProto> inputs = g.getInputList().stream().filter(v -> !values.containsKey(v.getName())).toList();
        if (inputs.size() != 1) {
            throw fail("the graph has " + inputs.size() + " non-constant inputs " + inputs.stream()
                    .map(ValueInfoProto::getName).toList() + "; prune4j imports models with one input");
        }
        ValueInfoProto in = inputs.get(0);
        if (!in.getType().hasTensorType() || !in.getType().getTensorType().hasShape()) {
            throw fail("input '" + in.getName() + "' has no tensor shape; prune4j needs (N, C, H, W) or (N, F)");
        }
        List<TensorShapeProto.Dimension> dims = in.getType().getTensorType().getShape().getDimList();
        if (dims.size() != 4 && dims.size() != 2) {
            throw fail("input '" + in.getName() + "' has " + dims.size() + " dimensions; expected (N, C, H, W) or (N, F)");
        }
        long[] perSample = new long[dims.size() - 1];
        for (int i = 1; i < dims.size(); i++) {
            TensorShapeProto.Dimension d = dims.get(i);
            if (!d.hasDimValue() || d.getDimValue() <= 0) {
                throw fail("input '" + in.getName() + "' dimension " + i + " is dynamic"
                        + (d.hasDimParam() ? " ('" + d.getDimParam() + "')" : "")
                        + "; prune4j needs fixed sizes for every dimension but the batch (export with a fixed image size)");
            }
            perSample[i - 1] = d.getDimValue();
        }
        String name = unique(in.getName());
        graph.setInput(name, new Shape(perSample));
        values.put(in.getName(), new Act(name));
        return name;
    }

    private void convertNode(NodeProto n, int index, List<NodeProto> nodes) {
        String type = n.getOpType();
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            throw failAt(n, index, "op '" + type + "' of domain '" + n.getDomain() + "' is not supported; supported ops: "
                    + SUPPORTED_OPS);
        }
        switch (type) {
            case "Identity", "Dropout" -> alias(n, input(n, 0));
            case "Cast" -> alias(n, input(n, 0));
            case "Constant" -> values.put(n.getOutput(0), constantNode(n));
            case "Conv" -> conv(n, index);
            case "BatchNormalization" -> batchNorm(n, index);
            case "Relu" -> activation(n, index, ActivationOp.Kind.RELU);
            case "Sigmoid" -> activation(n, index, ActivationOp.Kind.SIGMOID);
            case "HardSwish" -> activation(n, index, ActivationOp.Kind.HARD_SWISH);
            case "HardSigmoid" -> hardSigmoid(n, index);
            case "Clip" -> clip(n, index);
            case "Add", "Sub", "Mul", "Div" -> arithmetic(n, index);
            case "Concat" -> concat(n, index);
            case "MaxPool", "AveragePool" -> pool(n, index);
            case "GlobalAveragePool" -> add(n, index, new GlobalAvgPoolOp(true), act(n, 0, index));
            case "ReduceMean" -> reduceMean(n, index);
            case "Flatten" -> flatten(n, index);
            case "Reshape" -> reshape(n, index);
            case "Transpose" -> transpose(n, index);
            case "Gemm" -> gemm(n, index);
            case "MatMul" -> matMul(n, index, nodes);
            case "Pad" -> pad(n, index);
            case "Softmax" -> softmax(n, index);
            case "Shape" -> shape(n, index);
            case "Gather" -> gather(n, index);
            case "Unsqueeze", "Squeeze" -> squeezeOrUnsqueeze(n, index);
            default -> throw failAt(n, index, "op type '" + type + "' is not supported; supported ops: " + SUPPORTED_OPS);
        }
    }

    // ---- ops ----

    private void conv(NodeProto n, int index) {
        Value x = input(n, 0);
        long[] extraPads = new long[4];
        String in;
        if (x instanceof Padded p) {
            in = p.node();
            extraPads = p.pads();
        } else {
            in = act(n, 0, index);
        }
        Const w = weight(n, 1, index);
        if (w.dims().length != 4) {
            throw failAt(n, index, "weight must be 4-D (out, in/groups, kh, kw), got " + Arrays.toString(w.dims()));
        }
        Map<String, AttributeProto> a = attributes(n);
        int groups = (int) intAttr(a, "group", 1);
        long[] kernel = ints(a, "kernel_shape", new long[] {w.dims()[2], w.dims()[3]});
        long[] strides = ints(a, "strides", new long[] {1, 1});
        long[] dilations = ints(a, "dilations", new long[] {1, 1});
        if (x instanceof Padded && a.containsKey("auto_pad") && a.get("auto_pad").getS().toStringUtf8().startsWith("SAME")) {
            throw failAt(n, index, "a Pad before a Conv with auto_pad SAME_* is not supported");
        }
        long[] pads = convPads(n, index, a, kernel, strides, dilations, in);
        for (int i = 0; i < 4; i++) {
            pads[i] += extraPads[i];
        }
        if (pads[0] != pads[2] || pads[1] != pads[3]) {
            throw failAt(n, index, "asymmetric padding " + Arrays.toString(pads) + " is not supported (top/bottom and "
                    + "left/right must be equal)");
        }
        boolean bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
        Conv2dOp op = Conv2dOp.builder().setOutChannels((int) w.dims()[0]).setKernel((int) kernel[0], (int) kernel[1])
                .optStride((int) strides[0], (int) strides[1]).optPadding((int) pads[0], (int) pads[1])
                .optDilation((int) dilations[0], (int) dilations[1]).optGroups(groups).optBias(bias).build();
        String name = add(n, index, op, in);
        param(name, "weight", w.floats());
        if (bias) {
            param(name, "bias", weight(n, 2, index).floats());
        }
    }

    private long[] convPads(NodeProto n, int index, Map<String, AttributeProto> a, long[] k, long[] s, long[] d,
            String in) {
        String autoPad = a.containsKey("auto_pad") ? a.get("auto_pad").getS().toStringUtf8() : "NOTSET";
        switch (autoPad) {
            case "NOTSET" -> {
                long[] p = ints(a, "pads", new long[] {0, 0, 0, 0});
                return new long[] {p[0], p[1], p[2], p[3]};
            }
            case "VALID" -> {
                return new long[4];
            }
            case "SAME_UPPER", "SAME_LOWER" -> {
                Shape x = graph.shapeOf(in);
                long[] p = new long[4];
                for (int i = 0; i < 2; i++) {
                    long size = x.get(i + 1);
                    long out = (size + s[i] - 1) / s[i];
                    long total = Math.max(0, (out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - size);
                    long small = total / 2;
                    p[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
                    p[i + 2] = total - p[i];
                }
                return p;
            }
            default -> throw failAt(n, index, "auto_pad '" + autoPad + "' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER");
        }
    }

    private void batchNorm(NodeProto n, int index) {
        String in = act(n, 0, index);
        double epsilon = floatAttr(attributes(n), "epsilon", 1e-5);
        String name = add(n, index, new BatchNormOp(epsilon, 0.1), in);
        param(name, "weight", weight(n, 1, index).floats());
        param(name, "bias", weight(n, 2, index).floats());
        param(name, "runningMean", weight(n, 3, index).floats());
        param(name, "runningVar", weight(n, 4, index).floats());
    }

    private void activation(NodeProto n, int index, ActivationOp.Kind kind) {
        add(n, index, new ActivationOp(kind), act(n, 0, index));
    }

    private void hardSigmoid(NodeProto n, int index) {
        Map<String, AttributeProto> a = attributes(n);
        double alpha = floatAttr(a, "alpha", 0.2);
        double beta = floatAttr(a, "beta", 0.5);
        if (Math.abs(alpha - 1.0 / 6) > 1e-6 || Math.abs(beta - 0.5) > 1e-6) {
            throw failAt(n, index, "HardSigmoid with alpha " + alpha + ", beta " + beta + " is not supported; "
                    + "prune4j supports alpha 1/6, beta 0.5 (torch.nn.Hardsigmoid)");
        }
        activation(n, index, ActivationOp.Kind.HARD_SIGMOID);
    }

    private void clip(NodeProto n, int index) {
        // opset 11+: min and max are inputs
        double min = n.getInputCount() > 1 && !n.getInput(1).isEmpty() ? scalar(n, 1, index) : Double.NEGATIVE_INFINITY;
        double max = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? scalar(n, 2, index) : Double.POSITIVE_INFINITY;
        if (min == 0 && max == 6) {
            activation(n, index, ActivationOp.Kind.RELU6);
        } else if (min == 0 && max == Double.POSITIVE_INFINITY) {
            activation(n, index, ActivationOp.Kind.RELU);
        } else {
            throw failAt(n, index, "Clip(min " + min + ", max " + max + ") is not supported; prune4j supports Clip "
                    + "as ReLU6 (0, 6) or ReLU (0, none)");
        }
    }

    private void arithmetic(NodeProto n, int index) {
        String type = n.getOpType();
        Value a = input(n, 0);
        Value b = input(n, 1);
        if (a instanceof Const ca && b instanceof Const cb) {
            values.put(n.getOutput(0), constantArithmetic(type, ca, cb));
            return;
        }
        if (a instanceof Act && b instanceof Act) {
            if (type.equals("Add")) {
                add(n, index, new AddOp(), act(n, 0, index), act(n, 1, index));
            } else if (type.equals("Mul")) {
                String x = act(n, 0, index);
                String y = act(n, 1, index);
                boolean gateFirst = graph.shapeOf(x).size() < graph.shapeOf(y).size();
                add(n, index, new MulOp(), gateFirst ? y : x, gateFirst ? x : y); // prune4j takes (x, gate)
            } else {
                throw failAt(n, index, type + " of two activations is not supported (only Add and Mul)");
            }
            return;
        }
        boolean constFirst = a instanceof Const;
        Const c = (Const) (constFirst ? a : b);
        String x = act(n, constFirst ? 1 : 0, index);
        Shape s = graph.shapeOf(x);
        int count = c.floats().length;
        if (count != 1 && !isPerChannel(c.dims(), s)) {
            throw failAt(n, index, type + " with a constant of shape " + Arrays.toString(c.dims()) + " on an activation "
                    + "of shape " + s + " is not supported; prune4j folds scalar and per-channel constants "
                    + "((C, 1, 1) or (1, C, 1, 1) for images, (F) for features)");
        }
        float[] scale = new float[count];
        float[] shift = new float[count];
        for (int i = 0; i < count; i++) {
            float v = c.floats()[i];
            if (!Float.isFinite(v) || (type.equals("Div") && v == 0)) {
                throw failAt(n, index, type + " with the constant " + v + " is not supported (not finite or division by zero)");
            }
            switch (type) {
                case "Add" -> { scale[i] = 1; shift[i] = v; }
                case "Mul" -> scale[i] = v;
                case "Sub" -> { scale[i] = constFirst ? -1 : 1; shift[i] = constFirst ? v : -v; }
                default -> {
                    if (constFirst) {
                        throw failAt(n, index, "dividing a constant by an activation is not supported");
                    }
                    scale[i] = 1 / v;
                }
            }
        }
        if (count == 1) {
            add(n, index, new ScaleShiftOp(scale[0], shift[0]), x);
        } else {
            String name = add(n, index, new ChannelAffineOp(), x);
            param(name, "scale", scale);
            param(name, "shift", shift);
        }
    }

    /** (C, 1, 1) or (1, C, 1, 1) against an image (C, H, W); (F) or (1, F) against features (F). */
    private static boolean isPerChannel(long[] dims, Shape activation) {
        long channels = activation.get(0);
        int rank = activation.dimension() + 1; // with the batch axis
        if (dims.length < activation.dimension() || dims.length > rank) {
            return false;
        }
        int channelAxis = dims.length - activation.dimension();
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] != (i == channelAxis ? channels : 1)) {
                return false;
            }
        }
        return true;
    }

    private void concat(NodeProto n, int index) {
        List<String> inputs = new ArrayList<>();
        boolean allConst = true;
        for (int i = 0; i < n.getInputCount(); i++) {
            allConst &= input(n, i) instanceof Const;
        }
        long axis = intAttr(attributes(n), "axis", 0);
        if (allConst) { // shape arithmetic, e.g. [batch, -1] for a flatten
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < n.getInputCount(); i++) {
                for (long v : ((Const) input(n, i)).longs()) {
                    out.add(v);
                }
            }
            long[] l = out.stream().mapToLong(Long::longValue).toArray();
            values.put(n.getOutput(0), new Const(toFloats(l), l, new long[] {l.length}));
            return;
        }
        for (int i = 0; i < n.getInputCount(); i++) {
            inputs.add(act(n, i, index));
        }
        int rank = graph.shapeOf(inputs.get(0)).dimension() + 1;
        if (axis != 1 && axis != 1 - rank) {
            throw failAt(n, index, "Concat along axis " + axis + " is not supported; prune4j concatenates channels (axis 1)");
        }
        add(n, index, new ConcatOp(), inputs.toArray(String[]::new));
    }

    private void pool(NodeProto n, int index) {
        String in;
        long[] extra = new long[4];
        Value x = input(n, 0);
        if (x instanceof Padded p && n.getOpType().equals("AveragePool")) {
            in = p.node();
            extra = p.pads();
        } else {
            in = act(n, 0, index);
        }
        Map<String, AttributeProto> a = attributes(n);
        long[] k = ints(a, "kernel_shape", null);
        long[] s = ints(a, "strides", new long[] {1, 1});
        long[] p = ints(a, "pads", new long[] {0, 0, 0, 0});
        // zeros from a folded Pad node are real values, counted by any average; the node's own pads
        // are counted only with count_include_pad=1
        boolean ownPads = Arrays.stream(p).anyMatch(v -> v > 0);
        for (int i = 0; i < 4; i++) {
            p[i] += extra[i];
        }
        long[] d = ints(a, "dilations", new long[] {1, 1});
        String autoPad = a.containsKey("auto_pad") ? a.get("auto_pad").getS().toStringUtf8() : "NOTSET";
        boolean square = k != null && k.length == 2 && k[0] == k[1] && s[0] == s[1]
                && p[0] == p[1] && p[1] == p[2] && p[2] == p[3] && d[0] == 1 && d[1] == 1;
        if (!square || intAttr(a, "ceil_mode", 0) != 0 || !(autoPad.equals("NOTSET") || autoPad.equals("VALID"))) {
            throw failAt(n, index, n.getOpType() + " with kernel " + Arrays.toString(k) + ", strides "
                    + Arrays.toString(s) + ", pads " + Arrays.toString(p) + ", ceil_mode " + intAttr(a, "ceil_mode", 0)
                    + " is not supported; prune4j pools with square kernels, equal strides, equal pads, floor mode");
        }
        boolean max = n.getOpType().equals("MaxPool");
        if (!max && ownPads && intAttr(a, "count_include_pad", 0) == 0) {
            throw failAt(n, index, "AveragePool with padding must count the padding (count_include_pad=1)");
        }
        add(n, index, new Pool2dOp(max ? Pool2dOp.Kind.MAX : Pool2dOp.Kind.AVG, (int) k[0], (int) s[0], (int) p[0]), in);
    }

    private void reduceMean(NodeProto n, int index) {
        String in = act(n, 0, index);
        Map<String, AttributeProto> a = attributes(n);
        long[] axes = opset >= 18 && n.getInputCount() > 1 ? constant(n, 1, index).longs() : ints(a, "axes", null);
        boolean keep = intAttr(a, "keepdims", 1) == 1;
        Set<Long> axisSet = new HashSet<>();
        if (axes != null) {
            for (long x : axes) {
                axisSet.add(x < 0 ? x + 4 : x);
            }
        }
        if (graph.shapeOf(in).dimension() != 3 || !axisSet.equals(Set.of(2L, 3L))) {
            throw failAt(n, index, "ReduceMean over axes " + Arrays.toString(axes) + " is not supported; prune4j "
                    + "supports the spatial mean of images (axes [2, 3])");
        }
        add(n, index, new GlobalAvgPoolOp(keep), in);
    }

    private void flatten(NodeProto n, int index) {
        String in = act(n, 0, index);
        if (intAttr(attributes(n), "axis", 1) != 1) {
            throw failAt(n, index, "Flatten with axis " + intAttr(attributes(n), "axis", 1) + " is not supported (axis 1)");
        }
        if (graph.shapeOf(in).dimension() == 1) {
            values.put(n.getOutput(0), new Act(in));
        } else {
            add(n, index, new FlattenOp(), in);
        }
    }

    private void reshape(NodeProto n, int index) {
        Value x = input(n, 0);
        long[] target = constant(n, 1, index).longs();
        if (x instanceof Const c) { // a constant reshaped, e.g. per-channel (C) to (C, 1, 1): fold it
            values.put(n.getOutput(0), new Const(c.floats(), c.longs(), reshapedConstant(n, index, c, target)));
            return;
        }
        if (x instanceof Swapped sw) {
            Shape s = graph.shapeOf(sw.node());
            long[] resolved = target.length == 4 ? resolve(target, s) : new long[0];
            if (resolved.length == 4 && resolved[1] == s.get(0) && resolved[2] == s.get(1) && resolved[3] == s.get(2)) {
                add(n, index, new ChannelShuffleOp((int) sw.groups()), sw.node());
                return;
            }
            throw failAt(n, index, "a Reshape → Transpose → Reshape that is not a channel shuffle is not supported");
        }
        String in = act(n, 0, index);
        Shape s = graph.shapeOf(in);
        long[] resolved = resolve(target, s);
        if (resolved.length == 2) {
            if (resolved[1] != s.size()) {
                throw failAt(n, index, "Reshape to " + Arrays.toString(target) + " does not keep the sample size " + s.size());
            }
            if (s.dimension() == 1) {
                values.put(n.getOutput(0), new Act(in));
            } else {
                add(n, index, new FlattenOp(), in);
            }
            return;
        }
        if (resolved.length == 5 && s.dimension() == 3 && resolved[1] * resolved[2] == s.get(0)
                && resolved[3] == s.get(1) && resolved[4] == s.get(2)) {
            values.put(n.getOutput(0), new Grouped(in, resolved[1])); // first step of a channel shuffle
            return;
        }
        if (Arrays.equals(Arrays.copyOfRange(resolved, 1, resolved.length), s.getShape())) {
            values.put(n.getOutput(0), new Act(in));
            return;
        }
        throw failAt(n, index, "Reshape of " + s + " to " + Arrays.toString(target) + " is not supported; prune4j "
                + "imports Reshape as a flatten (N, -1), a no-op, or part of a channel shuffle");
    }

    /** ONNX Reshape semantics on a constant: 0 copies the dimension, one -1 takes the rest. */
    private long[] reshapedConstant(NodeProto n, int index, Const c, long[] target) {
        long size = c.floats().length;
        long[] dims = target.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 0 && i < c.dims().length) {
                dims[i] = c.dims()[i];
            }
            if (dims[i] == -1) {
                if (infer >= 0) {
                    throw failAt(n, index, "Reshape target " + Arrays.toString(target) + " has more than one -1");
                }
                infer = i;
            } else {
                known *= dims[i];
            }
        }
        if (infer >= 0 && known > 0) {
            dims[infer] = size / known;
            known *= dims[infer];
        }
        if (known != size) {
            throw failAt(n, index, "Reshape of a constant of " + size + " values to " + Arrays.toString(target)
                    + " does not keep its size");
        }
        return dims;
    }

    private void transpose(NodeProto n, int index) {
        Value x = input(n, 0);
        long[] perm = ints(attributes(n), "perm", null);
        if (x instanceof Grouped gr && Arrays.equals(perm, new long[] {0, 2, 1, 3, 4})) {
            values.put(n.getOutput(0), new Swapped(gr.node(), gr.groups()));
            return;
        }
        throw failAt(n, index, "Transpose with perm " + Arrays.toString(perm) + " is not supported; prune4j imports "
                + "Transpose only inside a channel shuffle (Reshape → Transpose(0, 2, 1, 3, 4) → Reshape)");
    }

    private void gemm(NodeProto n, int index) {
        String in = act(n, 0, index);
        Map<String, AttributeProto> a = attributes(n);
        if (floatAttr(a, "alpha", 1) != 1 || floatAttr(a, "beta", 1) != 1 || intAttr(a, "transA", 0) != 0) {
            throw failAt(n, index, "Gemm with alpha/beta other than 1 or transA=1 is not supported");
        }
        Const b = weight(n, 1, index);
        boolean transB = intAttr(a, "transB", 0) == 1;
        float[] w = transB ? b.floats() : transpose2d(b.floats(), b.dims());
        long out = transB ? b.dims()[0] : b.dims()[1];
        boolean bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
        String name = add(n, index, new LinearOp((int) out, bias), in);
        param(name, "weight", w);
        if (bias) {
            float[] c = weight(n, 2, index).floats();
            param(name, "bias", c.length == out ? c : broadcast(c, (int) out, n, index));
        }
    }

    private void matMul(NodeProto n, int index, List<NodeProto> nodes) {
        String in = act(n, 0, index);
        Const b = weight(n, 1, index);
        if (b.dims().length != 2) {
            throw failAt(n, index, "MatMul needs a 2-D constant weight (in, out), got " + Arrays.toString(b.dims()));
        }
        long out = b.dims()[1];
        float[] bias = null;
        String biasOutput = null;
        // A following Add of a constant vector is the bias: fold it into the linear layer.
        for (int j = index + 1; j < nodes.size() && consumers.getOrDefault(n.getOutput(0), 0) == 1; j++) {
            NodeProto next = nodes.get(j);
            if (next.getOpType().equals("Add") && next.getInputList().contains(n.getOutput(0))) {
                String other = next.getInput(0).equals(n.getOutput(0)) ? next.getInput(1) : next.getInput(0);
                if (values.get(other) instanceof Const c && c.floats().length == out) {
                    bias = c.floats();
                    biasOutput = next.getOutput(0);
                    skipped.add(nodeId(next, j));
                }
                break;
            }
        }
        String name = add(n, index, new LinearOp((int) out, bias != null), in);
        param(name, "weight", transpose2d(b.floats(), b.dims()));
        if (bias != null) {
            param(name, "bias", bias);
            values.put(biasOutput, new Act(name));
        }
    }

    private void pad(NodeProto n, int index) {
        String in = act(n, 0, index);
        Map<String, AttributeProto> a = attributes(n);
        String mode = a.containsKey("mode") ? a.get("mode").getS().toStringUtf8() : "constant";
        long[] pads = n.getInputCount() > 1 ? constant(n, 1, index).longs() : ints(a, "pads", null);
        double value = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? scalar(n, 2, index) : 0;
        boolean negative = pads != null && Arrays.stream(pads).anyMatch(p -> p < 0);
        boolean axes = n.getInputCount() > 3 && !n.getInput(3).isEmpty();
        if (!mode.equals("constant") || value != 0 || pads == null || pads.length != 8 || pads[0] != 0 || pads[1] != 0
                || pads[4] != 0 || pads[5] != 0 || negative || axes) {
            throw failAt(n, index, "Pad is supported as a non-negative zero pad of the spatial dimensions before a "
                    + "Conv or AveragePool (mode constant, value 0, no axes input), got mode " + mode + ", pads "
                    + Arrays.toString(pads) + (axes ? ", axes" : ""));
        }
        values.put(n.getOutput(0), new Padded(in, new long[] {pads[2], pads[3], pads[6], pads[7]}));
    }

    private void softmax(NodeProto n, int index) {
        String in = act(n, 0, index);
        long axis = intAttr(attributes(n), "axis", opset >= 13 ? -1 : 1);
        if (graph.shapeOf(in).dimension() != 1 || (axis != 1 && axis != -1)) {
            throw failAt(n, index, "Softmax is supported over the features of (N, F), got axis " + axis);
        }
        add(n, index, new SoftmaxOp(), in);
    }

    private void shape(NodeProto n, int index) {
        String in = act(n, 0, index);
        long[] s = graph.shapeOf(in).getShape();
        long[] out = new long[s.length + 1];
        out[0] = BATCH;
        System.arraycopy(s, 0, out, 1, s.length);
        values.put(n.getOutput(0), new Const(toFloats(out), out, new long[] {out.length}));
    }

    private void gather(NodeProto n, int index) {
        Const data = constant(n, 0, index);
        Const idx = constant(n, 1, index);
        if (intAttr(attributes(n), "axis", 0) != 0 || data.dims().length != 1) {
            throw failAt(n, index, "Gather is supported on 1-D constants (shape arithmetic) only");
        }
        long[] out = new long[idx.longs().length];
        for (int i = 0; i < out.length; i++) {
            long k = idx.longs()[i];
            out[i] = data.longs()[(int) (k < 0 ? k + data.longs().length : k)];
        }
        long[] dims = idx.dims().length == 0 ? new long[0] : new long[] {out.length};
        values.put(n.getOutput(0), new Const(toFloats(out), out, dims));
    }

    private void squeezeOrUnsqueeze(NodeProto n, int index) {
        Value v = input(n, 0);
        if (v instanceof Const c) { // shape arithmetic: a scalar becomes a 1-element list and back
            long[] dims = n.getOpType().equals("Unsqueeze") ? new long[] {c.longs().length} : new long[0];
            if (n.getOpType().equals("Squeeze") && c.longs().length != 1) {
                dims = c.dims();
            }
            values.put(n.getOutput(0), new Const(c.floats(), c.longs(), dims));
            return;
        }
        String in = act(n, 0, index);
        Shape s = graph.shapeOf(in);
        // (C, 1, 1) ↔ (C): a squeezed pooled image is a flatten, an unsqueezed one a no-op for pooling
        long[] axes = opset >= 13 && n.getInputCount() > 1 ? constant(n, 1, index).longs() : ints(attributes(n), "axes", null);
        boolean spatial = axes == null || Set.of(2L, 3L, -1L, -2L).containsAll(Arrays.stream(axes).boxed().toList())
                && axes.length == 2 && axes[0] != axes[1] && (axes[0] + 4) % 4 + (axes[1] + 4) % 4 == 5;
        if (n.getOpType().equals("Squeeze") && s.dimension() == 3 && s.get(1) == 1 && s.get(2) == 1 && spatial) {
            add(n, index, new FlattenOp(), in);
            return;
        }
        throw failAt(n, index, n.getOpType() + " of an activation of shape " + s + " is not supported");
    }

    // ---- helpers ----

    private String add(NodeProto n, int index, Op op, String... inputs) {
        String name = unique(n.getName().isEmpty() ? n.getOutput(0) : n.getName());
        try {
            graph.add(name, op, inputs);
        } catch (RuntimeException e) {
            throw failAt(n, index, e.getMessage());
        }
        values.put(n.getOutput(0), new Act(name));
        return name;
    }

    /** Prune4j node names: the ONNX node's name (or output), made unique and free of the '.' of parameter names. */
    private String unique(String raw) {
        String base = raw.replaceAll("^/+", "").replaceAll("[^A-Za-z0-9_/:-]", "_");
        if (base.isEmpty()) {
            base = "node";
        }
        String name = base;
        for (int i = 2; usedNames.contains(name); i++) {
            name = base + "_" + i;
        }
        usedNames.add(name);
        return name;
    }

    private void alias(NodeProto n, Value v) {
        values.put(n.getOutput(0), v);
    }

    private void param(String node, String name, float[] values) {
        parameters.computeIfAbsent(node, k -> new LinkedHashMap<>()).put(name, values);
    }

    private Value input(NodeProto n, int i) {
        if (i >= n.getInputCount() || n.getInput(i).isEmpty()) {
            throw new IllegalArgumentException("input " + i + " is missing");
        }
        Value v = values.get(n.getInput(i));
        if (v == null) {
            throw new IllegalArgumentException("input '" + n.getInput(i) + "' is neither an initializer, a graph "
                    + "input nor the output of an earlier node (missing initializer?)");
        }
        return v;
    }

    private String act(NodeProto n, int i, int index) {
        Value v = input(n, i);
        if (v instanceof Act a) {
            return a.node();
        }
        if (v instanceof Padded) {
            throw failAt(n, index, "a Pad is supported only directly before a Conv or AveragePool");
        }
        if (v instanceof Grouped || v instanceof Swapped) {
            throw failAt(n, index, "an unfinished channel shuffle (Reshape/Transpose) feeds this node; not supported");
        }
        throw failAt(n, index, "input '" + n.getInput(i) + "' is a constant where an activation was expected");
    }

    private Const constant(NodeProto n, int i, int index) {
        Value v = input(n, i);
        if (v instanceof Const c) {
            return c;
        }
        throw failAt(n, index, "input '" + n.getInput(i) + "' must be a constant (initializer), "
                + "but it is computed at run time; dynamic shapes are not supported");
    }

    private Const weight(NodeProto n, int i, int index) {
        Const c = constant(n, i, index);
        for (float f : c.floats()) {
            if (!Float.isFinite(f)) {
                throw failAt(n, index, "initializer '" + n.getInput(i) + "' holds a non-finite value " + f);
            }
        }
        return c;
    }

    private double scalar(NodeProto n, int i, int index) {
        Const c = constant(n, i, index);
        if (c.floats().length != 1) {
            throw failAt(n, index, "input '" + n.getInput(i) + "' must be a scalar, has shape " + Arrays.toString(c.dims()));
        }
        return c.floats()[0];
    }

    private static Const constant(TensorProto t) {
        long[] dims = OnnxTensors.dims(t);
        if (OnnxTensors.isFloat(t)) {
            float[] f = OnnxTensors.floats(t);
            long[] l = new long[f.length];
            for (int i = 0; i < f.length; i++) {
                l[i] = (long) f[i];
            }
            return new Const(f, l, dims);
        }
        long[] l = OnnxTensors.longs(t);
        return new Const(toFloats(l), l, dims);
    }

    private Const constantNode(NodeProto n) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("value")) {
                return constant(a.getT());
            }
            if (a.getName().equals("value_float")) {
                return new Const(new float[] {a.getF()}, new long[] {(long) a.getF()}, new long[0]);
            }
            if (a.getName().equals("value_int")) {
                return new Const(new float[] {a.getI()}, new long[] {a.getI()}, new long[0]);
            }
            if (a.getName().equals("value_ints")) {
                long[] l = a.getIntsList().stream().mapToLong(Long::longValue).toArray();
                return new Const(toFloats(l), l, new long[] {l.length});
            }
        }
        throw new IllegalArgumentException("Constant without a value, value_float, value_int or value_ints attribute");
    }

    private static Const constantArithmetic(String type, Const a, Const b) {
        if (a.floats().length != 1 || b.floats().length != 1) {
            throw new IllegalArgumentException(type + " of two non-scalar constants is not supported");
        }
        float x = a.floats()[0];
        float y = b.floats()[0];
        float r = switch (type) {
            case "Add" -> x + y;
            case "Sub" -> x - y;
            case "Mul" -> x * y;
            default -> x / y;
        };
        return new Const(new float[] {r}, new long[] {(long) r}, new long[0]);
    }

    private static long[] resolve(long[] target, Shape perSample) {
        long[] full = new long[perSample.dimension() + 1];
        full[0] = BATCH;
        System.arraycopy(perSample.getShape(), 0, full, 1, perSample.dimension());
        long total = perSample.size();
        long[] out = new long[target.length];
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < target.length; i++) {
            long t = target[i];
            if (t == 0 && i < full.length) {
                t = full[i];
            }
            out[i] = t;
            if (i == 0 && (t == BATCH || t == -1 || t == 1)) {
                out[0] = BATCH; // the batch dimension (a fixed 1 from a batch-1 export is taken as the batch)
                continue;
            }
            if (t == -1) {
                unknown = i;
            } else if (t == BATCH) {
                throw new IllegalArgumentException("Reshape moves the batch dimension to position " + i);
            } else {
                known *= t;
            }
        }
        if (unknown >= 0) {
            out[unknown] = known == 0 ? 0 : total / known;
        }
        return out;
    }

    private static float[] transpose2d(float[] v, long[] dims) {
        int rows = (int) dims[0];
        int cols = (int) dims[1];
        float[] t = new float[v.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = v[r * cols + c];
            }
        }
        return t;
    }

    private float[] broadcast(float[] c, int out, NodeProto n, int index) {
        if (c.length != 1) {
            throw failAt(n, index, "Gemm bias of " + c.length + " values for " + out + " outputs");
        }
        float[] b = new float[out];
        Arrays.fill(b, c[0]);
        return b;
    }

    private static float[] toFloats(long[] l) {
        float[] f = new float[l.length];
        for (int i = 0; i < l.length; i++) {
            f[i] = l[i];
        }
        return f;
    }

    private static Map<String, AttributeProto> attributes(NodeProto n) {
        Map<String, AttributeProto> m = new HashMap<>();
        n.getAttributeList().forEach(a -> m.put(a.getName(), a));
        return m;
    }

    private static long intAttr(Map<String, AttributeProto> a, String name, long fallback) {
        return a.containsKey(name) ? a.get(name).getI() : fallback;
    }

    private static double floatAttr(Map<String, AttributeProto> a, String name, double fallback) {
        return a.containsKey(name) ? a.get(name).getF() : fallback;
    }

    private static long[] ints(Map<String, AttributeProto> a, String name, long[] fallback) {
        return a.containsKey(name) ? a.get(name).getIntsList().stream().mapToLong(Long::longValue).toArray() : fallback;
    }

    private static String nodeId(NodeProto n, int index) {
        return index + ":" + n.getOpType();
    }

    private OnnxImportException fail(String message) {
        return new OnnxImportException(source + ": " + message);
    }

    private OnnxImportException failAt(NodeProto n, int index, String message) {
        String name = n.getName().isEmpty() ? "#" + index + " (output '" + (n.getOutputCount() > 0 ? n.getOutput(0) : "?") + "')"
                : "'" + n.getName() + "'";
        return new OnnxImportException(source + ": node " + name + " (" + n.getOpType() + "): " + message);
    }

    @SuppressWarnings("unchecked")
    private Model toModel(Graph built, ModelProto proto) {
        Provenance parent = metadataProvenance(proto);
        // Check every parameter against the layer before the model allocates anything: a damaged
        // shape (say, a huge image size before a linear layer) must fail here, not exhaust memory.
        for (var node : built.nodes()) {
            for (var spec : node.op().parameters(built.inputShapesOf(node))) {
                float[] v = parameters.getOrDefault(node.name(), Map.of()).get(spec.name());
                if (v == null) {
                    throw fail("node '" + node.name() + "' has no value for its parameter '" + spec.name() + "'");
                }
                if (v.length != spec.shape().size()) {
                    throw fail("node '" + node.name() + "': parameter '" + spec.name() + "' has " + v.length
                            + " values, the layer needs " + spec.shape());
                }
            }
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("source", source);
        settings.put("producer", proto.getProducerName() + " " + proto.getProducerVersion());
        settings.put("opset", opset);
        Model model = Model.builder().setGraph(built).optProvenance(Provenance.of("onnx-import", settings, parent)).build();
        try {
            Map<String, Map<String, Parameter>> params = new LinkedHashMap<>();
            for (var node : built.nodes()) {
                Map<String, Parameter> own = new LinkedHashMap<>();
                for (Parameter p : model.parametersOf(node.name()).values()) {
                    float[] v = parameters.get(node.name()).get(p.name());
                    own.put(p.name(), model.newParameter(node.name(), p.name(), p.trainable(),
                            Engines.create(model.manager(), v, p.value().getShape())));
                }
                params.put(node.name(), own);
            }
            model.setStructure(built, params);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e instanceof OnnxImportException ? e : fail(e.getMessage());
        }
    }
}
