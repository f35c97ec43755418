package org.prune4j.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.ops.ActivationOp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Watches a model's ReLU outputs over a data set and records which channels (units of a linear
 * layer, feature maps of a convolution) were ever positive. A channel that never was is dead on
 * that data: removing it changes nothing, and pruning often leaves more of them behind.
 */
public final class ReluActivity implements BiConsumer<String, NDArray> {

    private final Map<String, boolean[]> active = new LinkedHashMap<>();

    public ReluActivity(Graph graph) {
        for (Node node : graph.nodes()) {
            if (node.op() instanceof ActivationOp a && a.isRectifier()) {
                active.put(node.name(), new boolean[(int) graph.shapeOf(node.name()).get(0)]);
            }
        }
    }

    @Override
    public void accept(String node, NDArray output) {
        boolean[] seen = active.get(node);
        if (seen == null) {
            return;
        }
        // the engine reduces one axis at a time: move channels first, flatten the rest
        try (NDArray channelsFirst = output.swapAxes(0, 1).reshape(seen.length, -1);
                NDArray max = channelsFirst.max(new int[] {1})) {
            float[] m = max.toType(DataType.FLOAT32, false).toFloatArray();
            for (int c = 0; c < m.length; c++) {
                seen[c] |= m[c] > 0;
            }
        }
    }

    /** Channels never active so far, per ReLU node. */
    public Map<String, Integer> deadPerLayer() {
        Map<String, Integer> dead = new LinkedHashMap<>();
        active.forEach((node, seen) -> {
            int d = 0;
            for (boolean s : seen) {
                d += s ? 0 : 1;
            }
            dead.put(node, d);
        });
        return dead;
    }

    /** The fraction of all ReLU channels never active so far (0 for a model without ReLUs). */
    public double deadRate() {
        long total = active.values().stream().mapToLong(s -> s.length).sum();
        long dead = deadPerLayer().values().stream().mapToLong(Integer::longValue).sum();
        return total == 0 ? 0 : dead / (double) total;
    }
}
