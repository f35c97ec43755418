package org.prune4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.Op;
import org.prune4j.graph.OpRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Saves and loads a model: graph, weights, batch-norm buffers and provenance, in one zip file
 * (see docs/CHECKPOINT_FORMAT.md): {@code model.json} describes everything, {@code weights.bin}
 * holds the arrays as little-endian float32 in the order listed. Writes go to a temporary file
 * that is moved into place, so a crash never leaves half a checkpoint.
 */
public final class Checkpoint {

    public static final String FORMAT = "prune4j-checkpoint";
    public static final int VERSION = 1;
    static final String MODEL_ENTRY = "model.json";
    static final String WEIGHTS_ENTRY = "weights.bin";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Checkpoint() {}

    public static void save(Model model, Path file) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", FORMAT);
        doc.put("version", VERSION);
        doc.put("graph", graphToMap(model.graph()));
        List<Map<String, Object>> params = new ArrayList<>();
        ByteArrayOutputStream weights = new ByteArrayOutputStream();
        for (Parameter p : model.parameters()) {
            float[] values = floats(p.value());
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("node", p.node());
            entry.put("name", p.name());
            entry.put("trainable", p.trainable());
            entry.put("shape", p.value().getShape().getShape());
            params.add(entry);
            ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(values);
            weights.write(buf.array(), 0, buf.capacity());
        }
        doc.put("parameters", params);
        if (model.provenance() != null) {
            doc.put("provenance", model.provenance().toMap());
        }
        try {
            AtomicFile.write(file, out -> {
                try (ZipOutputStream zip = new ZipOutputStream(out)) {
                    zip.putNextEntry(new ZipEntry(MODEL_ENTRY));
                    zip.write(JSON.writeValueAsBytes(doc));
                    zip.closeEntry();
                    zip.putNextEntry(new ZipEntry(WEIGHTS_ENTRY));
                    weights.writeTo(zip);
                    zip.closeEntry();
                }
            });
        } catch (IOException e) {
            throw new CheckpointException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    private static float[] floats(NDArray a) {
        if (a.getDataType() == DataType.FLOAT32) {
            return a.toFloatArray();
        }
        try (NDArray f = a.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }

    /** The provenance stored in a checkpoint (null if none), without loading its weights. */
    @SuppressWarnings("unchecked")
    public static Provenance readProvenance(Path file) {
        byte[] json = readEntries(file).get(MODEL_ENTRY);
        if (json == null) {
            throw new CheckpointException(file + " is not a prune4j checkpoint: it lacks " + MODEL_ENTRY);
        }
        try {
            Map<String, Object> doc = JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
            checkFormat(file, doc);
            Object prov = doc.get("provenance");
            return prov == null ? null : Provenance.fromMap((Map<String, Object>) prov);
        } catch (IOException e) {
            throw new CheckpointException(file + ": " + MODEL_ENTRY + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Loads a checkpoint into a new model (float32). */
    public static Model load(Path file) {
        Map<String, byte[]> entries = readEntries(file);
        byte[] json = entries.get(MODEL_ENTRY);
        byte[] weights = entries.get(WEIGHTS_ENTRY);
        if (json == null || weights == null) {
            throw new CheckpointException(file + " is not a prune4j checkpoint: it lacks "
                    + (json == null ? MODEL_ENTRY : WEIGHTS_ENTRY));
        }
        Map<String, Object> doc;
        try {
            doc = JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw new CheckpointException(file + ": " + MODEL_ENTRY + " is not valid JSON: " + e.getMessage(), e);
        }
        checkFormat(file, doc);
        try {
            return build(file, doc, ByteBuffer.wrap(weights).order(ByteOrder.LITTLE_ENDIAN));
        } catch (CheckpointException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CheckpointException("broken checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    private static void checkFormat(Path file, Map<String, Object> doc) {
        if (!FORMAT.equals(doc.get("format"))) {
            throw new CheckpointException(file + " is not a prune4j checkpoint: format is '"
                    + doc.get("format") + "', expected '" + FORMAT + "'");
        }
        Object v = doc.get("version");
        if (!(v instanceof Integer version) || version < 1) {
            throw new CheckpointException(file + ": field 'version' must be a positive integer, got " + v);
        }
        if (version > VERSION) {
            throw new CheckpointException(file + " was written in checkpoint format version " + version
                    + " by a newer prune4j; this build reads versions up to " + VERSION);
        }
    }

    @SuppressWarnings("unchecked")
    private static Model build(Path file, Map<String, Object> doc, ByteBuffer weights) {
        Graph graph = graphFromMap((Map<String, Object>) required(doc, "graph"));
        Object prov = doc.get("provenance");
        Model model = Model.builder().setGraph(graph)
                .optProvenance(prov == null ? null : Provenance.fromMap((Map<String, Object>) prov))
                .build();
        try {
            NDManager manager = model.manager();
            Map<String, Map<String, Parameter>> params = new LinkedHashMap<>();
            for (Map<String, Object> e : (List<Map<String, Object>>) required(doc, "parameters")) {
                String node = (String) required(e, "node");
                String name = (String) required(e, "name");
                long[] dims = ((List<Number>) required(e, "shape")).stream().mapToLong(Number::longValue).toArray();
                for (long d : dims) {
                    if (d < 0 || d > Integer.MAX_VALUE) {
                        throw new IllegalArgumentException("parameter '" + node + "." + name + "' has dimension " + d);
                    }
                }
                Shape shape = new Shape(dims);
                long n = shape.size();
                if (weights.remaining() < n * 4L) {
                    throw new CheckpointException(file + ": " + WEIGHTS_ENTRY + " is truncated at parameter '"
                            + node + "." + name + "' (needs " + n * 4L + " bytes, " + weights.remaining() + " left)");
                }
                float[] values = new float[(int) n];
                weights.asFloatBuffer().get(values);
                weights.position(weights.position() + (int) n * 4);
                // The role (weight or buffer) comes from the op, not from the file.
                boolean trainable = model.parameter(node, name).trainable();
                Parameter p = new Parameter(node, name, trainable, Engines.create(manager, values, shape));
                if (params.computeIfAbsent(node, k -> new LinkedHashMap<>()).put(name, p) != null) {
                    throw new IllegalArgumentException("parameter '" + node + "." + name + "' is listed twice");
                }
            }
            if (weights.remaining() != 0) {
                throw new CheckpointException(file + ": " + WEIGHTS_ENTRY + " has " + weights.remaining()
                        + " bytes more than its parameters need");
            }
            model.setStructure(graph, params);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static Object required(Map<String, Object> map, String field) {
        Object v = map.get(field);
        if (v == null) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return v;
    }

    private static Map<String, byte[]> readEntries(Path file) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                entries.put(e.getName(), zip.readAllBytes());
            }
        } catch (NoSuchFileException e) {
            throw new CheckpointException("checkpoint " + file + " does not exist", e);
        } catch (ZipException | java.io.EOFException e) {
            throw new CheckpointException(file + " is not a readable prune4j checkpoint (zip): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            throw new CheckpointException(file + " is not a prune4j checkpoint: not a zip file or empty");
        }
        return entries;
    }

    /** The graph as plain maps: input, nodes (name, type, attributes, inputs), output. */
    public static Map<String, Object> graphToMap(Graph graph) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("input", Map.of("name", graph.inputName(), "shape", graph.inputShape().getShape()));
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (Node n : graph.nodes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", n.name());
            m.put("type", n.op().type());
            m.put("attributes", n.op().attributes());
            m.put("inputs", n.inputs());
            nodes.add(m);
        }
        g.put("nodes", nodes);
        g.put("output", graph.outputName());
        return g;
    }

    @SuppressWarnings("unchecked")
    public static Graph graphFromMap(Map<String, Object> g) {
        if (g == null) {
            throw new IllegalArgumentException("missing field 'graph'");
        }
        Map<String, Object> input = (Map<String, Object>) required(g, "input");
        long[] dims = ((List<Number>) required(input, "shape")).stream().mapToLong(Number::longValue).toArray();
        Graph.Builder b = Graph.builder().setInput((String) required(input, "name"), new Shape(dims));
        for (Map<String, Object> n : (List<Map<String, Object>>) required(g, "nodes")) {
            String name = (String) required(n, "name");
            Op op;
            try {
                op = OpRegistry.create((String) required(n, "type"), (Map<String, Object>) required(n, "attributes"));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("node '" + name + "': " + e.getMessage(), e);
            }
            b.add(name, op, ((List<String>) required(n, "inputs")).toArray(String[]::new));
        }
        return b.setOutput((String) required(g, "output")).build();
    }
}
