package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.prune4j.dependency.Group;
import org.prune4j.engine.Engines;
import org.prune4j.graph.Node;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * The layers that read a group's channels and are linear in them (plain convolutions and linear
 * layers; grouped convolutions are left out): their output, bias aside, is a sum of one
 * contribution per channel. For the criteria that look at those contributions (i-spasp, sipp).
 */
final class GroupReaders {

    private GroupReaders() {}

    /** The readers of every group, in graph order; a group without one is refused, naming {@code criterion}. */
    static Map<Group, List<Node>> of(Model model, List<Group> groups, String criterion) {
        Map<Group, List<Node>> readers = new LinkedHashMap<>();
        for (Group g : groups) {
            List<Node> nodes = new ArrayList<>();
            for (Node n : model.graph().nodes()) {
                boolean linear = n.op() instanceof LinearOp || n.op() instanceof Conv2dOp c && c.groups() == 1;
                if (linear && g.spaces().contains(n.inputs().get(0))) {
                    nodes.add(n);
                }
            }
            if (nodes.isEmpty()) {
                throw new IllegalArgumentException("criterion '" + criterion + "' needs a convolution or linear layer "
                        + "reading group " + g.root() + "; none does");
            }
            readers.put(g, nodes);
        }
        return readers;
    }

    /**
     * For each calibration batch: the inputs of all {@code readers} (by space), kept past the
     * forward pass, then {@code body}; freed with the batch.
     */
    static void forEachBatch(Model model, Map<Group, List<Node>> readers, Calibration data,
            BiConsumer<NDManager, Map<String, NDArray>> body) {
        Set<String> needed = new HashSet<>();
        readers.values().forEach(nodes -> nodes.forEach(n -> needed.add(n.inputs().get(0))));
        data.forEach(model, (step, xy) -> {
            Map<String, NDArray> inputs = new HashMap<>();
            model.forward(xy.get(0), false, Map.of(), (node, output) -> {
                if (needed.contains(node)) {
                    inputs.put(node, output.duplicate());
                }
            }).close();
            body.accept(step, inputs);
        });
    }

    /**
     * (C, M): row k is reader {@code n}'s output, without bias, from channel k of its input alone,
     * flattened. {@code weights} may transform the reader's weight (e.g. to its absolute value).
     */
    static NDArray contributions(Model model, Group g, Node n, NDArray input, NDManager step,
            UnaryOperator<NDArray> weights) {
        String space = n.inputs().get(0);
        long width = input.getShape().get(1);
        Shape maskShape = input.getShape().dimension() == 4 ? new Shape(1, width, 1, 1) : new Shape(1, width);
        NDList rows = new NDList();
        try (NDArray w = weights.apply(model.parameter(n.name(), "weight").value())) {
            for (int k = 0; k < g.size(); k++) {
                float[] mask = new float[(int) width];
                g.indicesIn(space, k).forEach(i -> mask[i] = 1);
                try (NDArray m = Engines.create(step, mask, maskShape).toType(input.getDataType(), false);
                        NDArray masked = input.mul(m);
                        NDArray out = n.op().forward(List.of(masked), name -> "weight".equals(name) ? w : null, false)) {
                    rows.add(out.reshape(1, -1));
                }
            }
        }
        try (rows) {
            return NDArrays.concat(rows, 0);
        }
    }
}
