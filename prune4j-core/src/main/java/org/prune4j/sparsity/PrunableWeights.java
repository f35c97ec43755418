package org.prune4j.sparsity;

import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

import java.util.ArrayList;
import java.util.List;

/**
 * The weights unstructured pruning may thin out: every convolution's and linear layer's weight.
 * The classifier (the layer producing the model's output) is left dense unless asked, as in
 * ShrinkBench: its few weights decide every class.
 */
public final class PrunableWeights {

    private PrunableWeights() {}

    public static List<Parameter> of(Model model, boolean includeClassifier) {
        Graph graph = model.graph();
        String classifier = classifierNode(graph);
        List<Parameter> weights = new ArrayList<>();
        for (Node n : graph.nodes()) {
            boolean weighted = n.op() instanceof Conv2dOp || n.op() instanceof LinearOp;
            if (weighted && (includeClassifier || !n.name().equals(classifier))) {
                weights.add(model.parameter(n.name(), "weight"));
            }
        }
        return weights;
    }

    /** The last conv or linear node in graph order: the one whose outputs are the logits. */
    static String classifierNode(Graph graph) {
        String last = null;
        for (Node n : graph.nodes()) {
            if (n.op() instanceof Conv2dOp || n.op() instanceof LinearOp) {
                last = n.name();
            }
        }
        return last;
    }
}
