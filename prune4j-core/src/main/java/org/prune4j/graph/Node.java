package org.prune4j.graph;

import java.util.List;

/** A named node of the graph: an op applied to the outputs of earlier nodes (or the input). */
public record Node(String name, Op op, List<String> inputs) {

    public Node {
        inputs = List.copyOf(inputs);
    }

    @Override
    public String toString() {
        return name + " = " + op.type() + op.attributes() + " <- " + inputs;
    }
}
