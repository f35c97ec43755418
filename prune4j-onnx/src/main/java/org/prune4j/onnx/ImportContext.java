package org.prune4j.onnx;

import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import org.prune4j.graph.Graph;
import org.prune4j.graph.Op;
import org.prune4j.onnx.ImportValue.Act;
import org.prune4j.onnx.ImportValue.Const;
import org.prune4j.onnx.ImportValue.Grouped;
import org.prune4j.onnx.ImportValue.Padded;
import org.prune4j.onnx.ImportValue.Swapped;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state of one ONNX import and what node converters use: the prune4j graph being built, what
 * every ONNX value is so far ({@link ImportValue}), the parameters read from initializers, and
 * helpers that read inputs and attributes and fail with the file, node and problem named.
 */
public final class ImportContext {

    /** The batch dimension inside evaluated shapes. */
    static final long BATCH = Long.MIN_VALUE;

    final String source;
    final Graph.Builder graph = Graph.builder();
    final Map<String, ImportValue> values = new HashMap<>();
    final Map<String, Map<String, float[]>> parameters = new LinkedHashMap<>();
    final Map<String, Integer> consumers = new HashMap<>();
    final Set<String> usedNames = new HashSet<>();
    final Set<String> skipped = new HashSet<>(); // nodes folded into an earlier one
    int opset;

    ImportContext(String source) {
        this.source = source;
    }

    /** The per-sample shape of a prune4j node already added (or of the graph input). */
    public Shape shapeOf(String node) {
        return graph.shapeOf(node);
    }

    /** What the ONNX value {@code name} is so far, or null if no initializer, input or earlier node made it. */
    public ImportValue valueOf(String name) {
        return values.get(name);
    }

    /** The model's ONNX opset (attributes moved to inputs across opsets). */
    public int opset() {
        return opset;
    }

    /** How many nodes read the ONNX value {@code output}: a converter folds a following node only into a sole reader. */
    public int consumersOf(String output) {
        return consumers.getOrDefault(output, 0);
    }

    /**
     * The index of the first node after {@code from} of type {@code type} that reads {@code output}
     * (the next step of a pattern such as a decomposed layer norm), or -1.
     */
    public static int readerOf(List<NodeProto> nodes, int from, String output, String type) {
        for (int j = from + 1; j < nodes.size(); j++) {
            NodeProto next = nodes.get(j);
            if (next.getOpType().equals(type) && next.getInputList().contains(output)) {
                return j;
            }
        }
        return -1;
    }

    /**
     * The constant named {@code name}: known already, or made by a Constant node later in
     * {@code nodes} (a pattern looks ahead of the nodes converted so far); null if neither.
     */
    public Const constantAhead(List<NodeProto> nodes, String name) {
        if (values.get(name) instanceof Const c) {
            return c;
        }
        if (constantNodesOf != nodes) { // patterns ask many times per node: index the graph's Constants once
            constantNodes = new HashMap<>();
            for (NodeProto n : nodes) {
                if (n.getOpType().equals("Constant") && n.getOutputCount() == 1) {
                    constantNodes.putIfAbsent(n.getOutput(0), n);
                }
            }
            constantNodesOf = nodes;
        }
        NodeProto n = constantNodes.get(name);
        return n == null ? null : constantNode(n);
    }

    private List<NodeProto> constantNodesOf;
    private Map<String, NodeProto> constantNodes;

    /** Whether input {@code i} of {@code n} is a scalar constant within 1e-4 of {@code value}. */
    public boolean isScalar(NodeProto n, int i, double value, List<NodeProto> nodes) {
        Const c = i < n.getInputCount() ? constantAhead(nodes, n.getInput(i)) : null;
        return c != null && c.floats().length == 1 && Math.abs(c.floats()[0] - value) <= 1e-4 * Math.max(1, Math.abs(value));
    }

    /** Marks node {@code index} as folded into an earlier one: the import passes over it. */
    public void skip(NodeProto n, int index) {
        skipped.add(nodeId(n, index));
    }

    /** (C, 1, 1) or (1, C, 1, 1) against an image (C, H, W); (F) or (1, F) against features (F). */
    public static boolean isPerChannel(long[] dims, Shape activation) {
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

    public String add(NodeProto n, int index, Op op, String... inputs) {
        return add(n, index, null, op, inputs);
    }

    private String add(NodeProto n, int index, String rawName, Op op, String... inputs) {
        String name = unique(rawName != null ? rawName : n.getName().isEmpty() ? n.getOutput(0) : n.getName());
        try {
            graph.add(name, op, inputs);
        } catch (RuntimeException e) {
            throw failAt(n, index, e.getMessage());
        }
        values.put(n.getOutput(0), new Act(name));
        return name;
    }

    /**
     * Adds {@code op}, which acts on every value alone or per channel, on input 0 of {@code n}: a
     * channels-last input stays channels-last (the op runs on prune4j's channels-first node).
     */
    public String addPerPosition(NodeProto n, int index, Op op) {
        return addPerPosition(n, index, op, null);
    }

    /** As {@link #addPerPosition(NodeProto, int, Op)}, named {@code rawName} (for a pattern of nodes), or after {@code n} if null. */
    public String addPerPosition(NodeProto n, int index, Op op, String rawName) {
        boolean channelsLast = input(n, 0) instanceof ImportValue.ChannelsLast;
        String in = channelsLast ? ((ImportValue.ChannelsLast) input(n, 0)).node() : act(n, 0, index);
        String name = add(n, index, rawName, op, in);
        if (channelsLast) {
            alias(n, new ImportValue.ChannelsLast(name));
        }
        return name;
    }

    /** Adds a node that no single ONNX node stands for (part of a recognised block), named {@code rawName}. */
    public String addNamed(String rawName, Op op, String... inputs) {
        String name = unique(rawName);
        graph.add(name, op, inputs);
        return name;
    }

    /** {@code n}'s name with its last path segment replaced: the name of a pattern recognised at {@code n}. */
    public static String renamed(NodeProto n, String last) {
        String raw = n.getName().isEmpty() ? n.getOutput(0) : n.getName();
        int slash = raw.lastIndexOf('/');
        return (slash < 0 ? "" : raw.substring(0, slash + 1)) + last;
    }

    /** Prune4j node names: the ONNX node's name (or output), made unique and free of the '.' of parameter names. */
    public String unique(String raw) {
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

    /** Node {@code n}'s output is {@code v}: another node's activation, a constant, or a pending pattern. */
    public void alias(NodeProto n, ImportValue v) {
        values.put(n.getOutput(0), v);
    }

    public void param(String node, String name, float[] values) {
        parameters.computeIfAbsent(node, k -> new LinkedHashMap<>()).put(name, values);
    }

    public ImportValue input(NodeProto n, int i) {
        if (i >= n.getInputCount() || n.getInput(i).isEmpty()) {
            throw new IllegalArgumentException("input " + i + " is missing");
        }
        ImportValue v = values.get(n.getInput(i));
        if (v == null) {
            throw new IllegalArgumentException("input '" + n.getInput(i) + "' is neither an initializer, a graph "
                    + "input nor the output of an earlier node (missing initializer?)");
        }
        return v;
    }

    public String act(NodeProto n, int i, int index) {
        ImportValue v = input(n, i);
        if (v instanceof Act a) {
            return a.node();
        }
        if (v instanceof Padded) {
            throw failAt(n, index, "a Pad is supported only directly before a Conv or AveragePool");
        }
        if (v instanceof ImportValue.ChannelsLast) {
            throw failAt(n, index, "a channels-last tensor (Transpose 0, 2, 3, 1) feeds this node; prune4j follows it "
                    + "through linear layers, layer norm, GELU, per-channel constants and adds only");
        }
        if (v instanceof ImportValue.Attention) {
            throw failAt(n, index, "an unfinished attention block (heads, scores or weights) feeds this node; prune4j "
                    + "imports the form it exports itself and PyTorch's nn.MultiheadAttention");
        }
        if (v instanceof Grouped || v instanceof Swapped) {
            throw failAt(n, index, "an unfinished channel shuffle (Reshape/Transpose) feeds this node; not supported");
        }
        throw failAt(n, index, "input '" + n.getInput(i) + "' is a constant where an activation was expected");
    }

    public Const constant(NodeProto n, int i, int index) {
        ImportValue v = input(n, i);
        if (v instanceof Const c) {
            return c;
        }
        throw failAt(n, index, "input '" + n.getInput(i) + "' must be a constant (initializer), "
                + "but it is computed at run time; dynamic shapes are not supported");
    }

    public Const weight(NodeProto n, int i, int index) {
        Const c = constant(n, i, index);
        for (float f : c.floats()) {
            if (!Float.isFinite(f)) {
                throw failAt(n, index, "initializer '" + n.getInput(i) + "' holds a non-finite value " + f);
            }
        }
        return c;
    }

    public double scalar(NodeProto n, int i, int index) {
        Const c = constant(n, i, index);
        if (c.floats().length != 1) {
            throw failAt(n, index, "input '" + n.getInput(i) + "' must be a scalar, has shape " + Arrays.toString(c.dims()));
        }
        return c.floats()[0];
    }

    public static Const constant(TensorProto t) {
        long[] dims = OnnxTensors.dims(t);
        if (OnnxTensors.isFloat(t)) {
            return new Const(OnnxTensors.floats(t), dims);
        }
        long[] l = OnnxTensors.longs(t);
        return new Const(toFloats(l), l, dims);
    }

    public Const constantNode(NodeProto n) {
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

    /** Add, Sub, Mul, Div or Mod of two constants, elementwise (a scalar broadcasts); integers divide as integers. */
    public static Const constantArithmetic(String type, Const a, Const b) {
        int n = Math.max(a.floats().length, b.floats().length);
        if ((a.floats().length != 1 && a.floats().length != n) || (b.floats().length != 1 && b.floats().length != n)) {
            throw new IllegalArgumentException(type + " of constants of shapes " + Arrays.toString(a.dims()) + " and "
                    + Arrays.toString(b.dims()) + " is not supported (same size, or a scalar)");
        }
        float[] f = new float[n];
        long[] l = new long[n];
        long[] al = a.longs();
        long[] bl = b.longs();
        for (int i = 0; i < n; i++) {
            float x = a.floats()[a.floats().length == 1 ? 0 : i];
            float y = b.floats()[b.floats().length == 1 ? 0 : i];
            long xl = al[al.length == 1 ? 0 : i];
            long yl = bl[bl.length == 1 ? 0 : i];
            switch (type) {
                case "Add" -> { f[i] = x + y; l[i] = xl + yl; }
                case "Sub" -> { f[i] = x - y; l[i] = xl - yl; }
                case "Mul" -> { f[i] = x * y; l[i] = xl * yl; }
                case "Mod" -> { // ONNX Mod with fmod=0: the remainder takes the divisor's sign
                    f[i] = (float) (x - Math.floor(x / y) * y);
                    l[i] = yl == 0 ? 0 : Math.floorMod(xl, yl);
                }
                default -> { f[i] = x / y; l[i] = yl == 0 ? 0 : xl / yl; }
            }
        }
        return new Const(f, l, a.floats().length == n ? a.dims() : b.dims());
    }

    /** The batch size the file's input declares (a batch-N export writes N into its reshapes), or 0. */
    long fixedBatch;

    /**
     * A Reshape target on an activation of {@code perSample} shape, resolved: 0 copies, one -1
     * takes the rest, and the first entry is the batch (-1, 1, or the file's fixed batch).
     */
    public long[] resolve(long[] target, Shape perSample) {
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
            if (i == 0 && (t == BATCH || t == -1 || t == 1 || t == fixedBatch)) {
                out[0] = BATCH; // the batch dimension (a batch-N export writes its fixed N)
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

    public static float[] transpose2d(float[] v, long[] dims) {
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

    public float[] broadcast(float[] c, int out, NodeProto n, int index) {
        if (c.length != 1) {
            throw failAt(n, index, "Gemm bias of " + c.length + " values for " + out + " outputs");
        }
        float[] b = new float[out];
        Arrays.fill(b, c[0]);
        return b;
    }

    public static float[] toFloats(long[] l) {
        float[] f = new float[l.length];
        for (int i = 0; i < l.length; i++) {
            f[i] = l[i];
        }
        return f;
    }

    public static Map<String, AttributeProto> attributes(NodeProto n) {
        Map<String, AttributeProto> m = new HashMap<>();
        n.getAttributeList().forEach(a -> m.put(a.getName(), a));
        return m;
    }

    public static long intAttr(Map<String, AttributeProto> a, String name, long fallback) {
        return a.containsKey(name) ? a.get(name).getI() : fallback;
    }

    public static double floatAttr(Map<String, AttributeProto> a, String name, double fallback) {
        return a.containsKey(name) ? a.get(name).getF() : fallback;
    }

    public static long[] ints(Map<String, AttributeProto> a, String name, long[] fallback) {
        return a.containsKey(name) ? a.get(name).getIntsList().stream().mapToLong(Long::longValue).toArray() : fallback;
    }

    public static String nodeId(NodeProto n, int index) {
        return index + ":" + n.getOpType();
    }

    public OnnxImportException fail(String message) {
        return new OnnxImportException(source + ": " + message);
    }

    public OnnxImportException failAt(NodeProto n, int index, String message) {
        String name = n.getName().isEmpty() ? "#" + index + " (output '" + (n.getOutputCount() > 0 ? n.getOutput(0) : "?") + "')"
                : "'" + n.getName() + "'";
        return new OnnxImportException(source + ": node " + name + " (" + n.getOpType() + "): " + message);
    }
}
