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
 * that data: removing it changes nothing, and pruning often leaves more of them behind. It also
 * counts the outputs at zero, per channel: their share is the dynamic dead-neuron rate of
 * Activating-while-Pruning (the ReLU sparsity each input sees).
 */
public final class ReluActivity implements BiConsumer<String, NDArray> {

    private final Map<String, boolean[]> active = new LinkedHashMap<>();
    private final Map<String, long[]> zeros = new LinkedHashMap<>();
    private final Map<String, Long> outputsPerChannel = new LinkedHashMap<>();

    public ReluActivity(Graph graph) {
        for (Node node : graph.nodes()) {
            if (node.op() instanceof ActivationOp a && a.isRectifier()) {
                int channels = (int) graph.shapeOf(node.name()).get(0);
                active.put(node.name(), new boolean[channels]);
                zeros.put(node.name(), new long[channels]);
                outputsPerChannel.put(node.name(), 0L);
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
                NDArray positive = channelsFirst.gt(0);
                NDArray counts = positive.toType(DataType.FLOAT32, false).sum(new int[] {1})) {
            float[] nonZero = counts.toFloatArray(); // positive outputs per channel: active if any
            long perChannel = channelsFirst.getShape().get(1);
            long[] z = zeros.get(node);
            for (int c = 0; c < nonZero.length; c++) {
                seen[c] |= nonZero[c] > 0;
                z[c] += perChannel - (long) nonZero[c];
            }
            outputsPerChannel.merge(node, perChannel, Long::sum);
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

    /** Per channel of a ReLU node, the share of its outputs so far that were zero (null for other nodes). */
    public double[] zeroShare(String node) {
        long[] z = zeros.get(node);
        if (z == null) {
            return null;
        }
        long n = Math.max(1, outputsPerChannel.get(node));
        double[] out = new double[z.length];
        for (int c = 0; c < z.length; c++) {
            out[c] = z[c] / (double) n;
        }
        return out;
    }

    /** The share of all ReLU outputs so far that were zero: the dynamic dead-neuron rate (0 without ReLUs). */
    public double dynamicDeadRate() {
        long all = 0;
        long zero = 0;
        for (Map.Entry<String, long[]> e : zeros.entrySet()) {
            all += outputsPerChannel.get(e.getKey()) * e.getValue().length;
            for (long z : e.getValue()) {
                zero += z;
            }
        }
        return all == 0 ? 0 : zero / (double) all;
    }

    /** The fraction of all ReLU channels never active so far (0 for a model without ReLUs). */
    public double deadRate() {
        long total = active.values().stream().mapToLong(s -> s.length).sum();
        long dead = deadPerLayer().values().stream().mapToLong(Integer::longValue).sum();
        return total == 0 ? 0 : dead / (double) total;
    }
}
