package org.prune4j.graph;

import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network architecture: a directed acyclic graph of named nodes, one input and one output,
 * with every node's per-sample output shape inferred at build time.
 *
 * <p>Nodes are kept in the order they were added, which is a topological order because a node
 * may only consume nodes added before it. A graph holds no weights; see {@code Model}.
 */
public final class Graph {

    private final String inputName;
    private final Shape inputShape;
    private final List<Node> nodes;
    private final Map<String, Node> byName;
    private final Map<String, Shape> shapes;
    private final String outputName;

    private Graph(Builder b) {
        this.inputName = b.inputName;
        this.inputShape = b.inputShape;
        this.nodes = List.copyOf(b.nodes);
        // Copies: a builder may go on adding nodes without changing the graph it built.
        this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(b.byName));
        this.shapes = Map.copyOf(b.shapes);
        this.outputName = b.outputName;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this graph's input and nodes, to derive a changed graph. */
    public Builder toBuilder() {
        Builder b = builder().setInput(inputName, inputShape);
        for (Node n : nodes) {
            b.add(n.name(), n.op(), n.inputs().toArray(String[]::new));
        }
        return b.setOutput(outputName);
    }

    public String inputName() {
        return inputName;
    }

    /** Per-sample input shape, e.g. {@code (1, 28, 28)}. */
    public Shape inputShape() {
        return inputShape;
    }

    public String outputName() {
        return outputName;
    }

    /** Nodes in topological order (the input is not a node). */
    public List<Node> nodes() {
        return nodes;
    }

    public Node node(String name) {
        Node n = byName.get(name);
        if (n == null) {
            throw new GraphException("no node named '" + name + "'; nodes are " + byName.keySet());
        }
        return n;
    }

    /** Per-sample output shape of a node or of the input. */
    public Shape shapeOf(String name) {
        Shape s = shapes.get(name);
        if (s == null) {
            throw new GraphException("no node named '" + name + "'");
        }
        return s;
    }

    public List<Shape> inputShapesOf(Node node) {
        List<Shape> in = new ArrayList<>(node.inputs().size());
        for (String i : node.inputs()) {
            in.add(shapes.get(i));
        }
        return in;
    }

    /** The nodes that consume {@code name}'s output, in topological order. */
    public List<Node> consumersOf(String name) {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            if (n.inputs().contains(name)) {
                out.add(n);
            }
        }
        return out;
    }

    public Shape outputShape() {
        return shapes.get(outputName);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(inputName).append(" : ").append(inputShape).append('\n');
        for (Node n : nodes) {
            sb.append(n).append(" : ").append(shapes.get(n.name())).append('\n');
        }
        return sb.append("output = ").append(outputName).toString();
    }

    /** Adds nodes one by one, inferring each shape as it goes so errors point at the node. */
    public static final class Builder {
        private String inputName;
        private Shape inputShape;
        private final List<Node> nodes = new ArrayList<>();
        private final Map<String, Node> byName = new LinkedHashMap<>();
        private final Map<String, Shape> shapes = new HashMap<>();
        private String outputName;
        private String last;

        private Builder() {}

        public Builder setInput(String name, Shape perSampleShape) {
            if (inputName != null) {
                throw new GraphException("input already set to '" + inputName + "'");
            }
            if (perSampleShape.dimension() != 1 && perSampleShape.dimension() != 3) {
                throw new GraphException(
                        "input '" + name + "' must be (C, H, W) or (F), got " + perSampleShape);
            }
            inputName = name;
            inputShape = perSampleShape;
            shapes.put(name, perSampleShape);
            last = name;
            return this;
        }

        /** Adds a node consuming the named outputs, or the previous node when none are named. */
        public Builder add(String name, Op op, String... inputs) {
            if (inputName == null) {
                throw new GraphException("set the input before adding node '" + name + "'");
            }
            if (shapes.containsKey(name)) {
                throw new GraphException("duplicate node name '" + name + "'");
            }
            List<String> in = inputs.length == 0 ? List.of(last) : List.of(inputs);
            int arity = op.arity();
            if (arity == Op.VARIADIC ? in.size() < 2 : in.size() != arity) {
                throw new GraphException(
                        "node '" + name + "' (" + op.type() + ") takes "
                                + (arity == Op.VARIADIC ? "two or more inputs" : arity + " input(s)")
                                + ", got " + in);
            }
            List<Shape> inShapes = new ArrayList<>();
            for (String i : in) {
                Shape s = shapes.get(i);
                if (s == null) {
                    throw new GraphException(
                            "node '" + name + "' reads '" + i + "', which is not defined before it");
                }
                inShapes.add(s);
            }
            Shape out;
            try {
                out = op.outputShape(inShapes);
            } catch (IllegalArgumentException e) {
                throw new GraphException(
                        "node '" + name + "' (" + op.type() + ") with inputs " + inShapes + ": "
                                + e.getMessage(), e);
            }
            Node node = new Node(name, op, in);
            nodes.add(node);
            byName.put(name, node);
            shapes.put(name, out);
            last = name;
            return this;
        }

        /** The name of the most recently added node (or the input). */
        public String last() {
            return last;
        }

        /** Per-sample shape of a node added so far. */
        public Shape shapeOf(String name) {
            Shape s = shapes.get(name);
            if (s == null) {
                throw new GraphException("no node named '" + name + "' yet");
            }
            return s;
        }

        public Builder setOutput(String name) {
            outputName = name;
            return this;
        }

        public Graph build() {
            if (inputName == null) {
                throw new GraphException("the graph has no input: call setInput");
            }
            if (nodes.isEmpty()) {
                throw new GraphException("the graph has no nodes");
            }
            if (outputName == null) {
                outputName = last;
            }
            if (!byName.containsKey(outputName)) {
                throw new GraphException("output '" + outputName + "' is not a node");
            }
            return new Graph(this);
        }
    }
}
