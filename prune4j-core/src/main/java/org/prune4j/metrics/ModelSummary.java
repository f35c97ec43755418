package org.prune4j.metrics;

import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.ParamSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact size and cost of a graph, per layer and in total: trainable parameters, MACs per sample
 * (convolutions and linear layers, with the real output size, padding, stride and groups),
 * weight memory and activation memory per sample (float32). Derived from shapes alone, so it
 * is the same for a model and for its checkpoint.
 */
public final class ModelSummary {

    private static final int BYTES_PER_FLOAT = 4;

    private final List<LayerStats> layers;
    private final long parameters;
    private final long buffers;
    private final long macs;
    private final long activationElements;

    private ModelSummary(List<LayerStats> layers, long parameters, long buffers, long macs, long activations) {
        this.layers = List.copyOf(layers);
        this.parameters = parameters;
        this.buffers = buffers;
        this.macs = macs;
        this.activationElements = activations;
    }

    public static ModelSummary of(Graph graph) {
        List<LayerStats> rows = new ArrayList<>();
        long params = 0;
        long buffers = 0;
        long macs = 0;
        long activations = graph.inputShape().size();
        for (Node node : graph.nodes()) {
            List<Shape> in = graph.inputShapesOf(node);
            Shape out = graph.shapeOf(node.name());
            long nodeParams = 0;
            for (ParamSpec spec : node.op().parameters(in)) {
                if (spec.trainable()) {
                    nodeParams += spec.shape().size();
                } else {
                    buffers += spec.shape().size();
                }
            }
            long nodeMacs = node.op().macs(in, out);
            rows.add(new LayerStats(node.name(), node.op().type(), out, nodeParams, nodeMacs));
            params += nodeParams;
            macs += nodeMacs;
            activations += out.size();
        }
        return new ModelSummary(rows, params, buffers, macs, activations);
    }

    public List<LayerStats> layers() {
        return layers;
    }

    /** Trainable parameters. */
    public long parameters() {
        return parameters;
    }

    /** Non-trainable buffers (batch-norm statistics). */
    public long buffers() {
        return buffers;
    }

    /** Multiply-accumulates for one sample. */
    public long macs() {
        return macs;
    }

    /** Bytes of parameters and buffers in float32. */
    public long weightBytes() {
        return (parameters + buffers) * BYTES_PER_FLOAT;
    }

    /** Bytes of all node outputs for one sample in float32 (an upper bound on inference need). */
    public long activationBytesPerSample() {
        return activationElements * BYTES_PER_FLOAT;
    }

    /** Totals as a map for JSON output. */
    public Map<String, Object> totals() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("parameters", parameters);
        m.put("buffers", buffers);
        m.put("macs", macs);
        m.put("weightBytes", weightBytes());
        m.put("activationBytesPerSample", activationBytesPerSample());
        return m;
    }

    /** Totals plus one entry per layer, for JSON output. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = totals();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LayerStats l : layers) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("node", l.node());
            r.put("type", l.type());
            r.put("outputShape", l.outputShape().getShape());
            r.put("parameters", l.parameters());
            r.put("macs", l.macs());
            rows.add(r);
        }
        m.put("layers", rows);
        return m;
    }

    /** A fixed-width table, one row per node, then the totals. */
    public String toTable() {
        int nameWidth = 4;
        for (LayerStats l : layers) {
            nameWidth = Math.max(nameWidth, l.node().length());
        }
        String fmt = "%-" + nameWidth + "s  %-16s %-16s %12s %14s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(fmt, "node", "type", "output", "params", "MACs"));
        for (LayerStats l : layers) {
            sb.append(String.format(fmt, l.node(), l.type(), l.outputShape(),
                    String.format("%,d", l.parameters()), String.format("%,d", l.macs())));
        }
        sb.append(String.format("total: %,d parameters (+%,d buffer values), %,d MACs per sample (%.2f M)%n",
                parameters, buffers, macs, macs / 1e6));
        sb.append(String.format("memory: %.1f KiB weights, %.1f KiB activations per sample (float32)%n",
                weightBytes() / 1024.0, activationBytesPerSample() / 1024.0));
        return sb.toString();
    }
}
