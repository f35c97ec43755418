package org.prune4j.metrics;

import ai.djl.ndarray.NDArray;

import org.prune4j.graph.Graph;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Total and non-zero parameters and MACs of a model. Compression is total / non-zero parameters
 * (ShrinkBench's definition, over all trainable parameters); the theoretical speed-up is total /
 * non-zero MACs, where a conv or linear layer's MACs scale with the density of its weight.
 */
public record SparsityStats(long parameters, long nonZeroParameters, long macs, long nonZeroMacs,
        Map<String, Double> layerSparsity) {

    public static SparsityStats of(Model model) {
        Graph graph = model.graph();
        long params = 0;
        long nonZero = 0;
        Map<String, Double> density = new LinkedHashMap<>();
        for (Parameter p : model.trainableParameters()) {
            long n = p.value().size();
            long nz = countNonZero(p.value());
            params += n;
            nonZero += nz;
            if (p.name().equals("weight") && p.value().getShape().dimension() >= 2) {
                density.put(p.node(), nz / (double) n);
            }
        }
        long macs = 0;
        double nonZeroMacs = 0;
        for (LayerStats layer : ModelSummary.of(graph).layers()) {
            macs += layer.macs();
            nonZeroMacs += layer.macs() * density.getOrDefault(layer.node(), 1.0);
        }
        Map<String, Double> sparsity = new LinkedHashMap<>();
        density.forEach((node, d) -> sparsity.put(node, 1 - d));
        return new SparsityStats(params, nonZero, macs, Math.round(nonZeroMacs), sparsity);
    }

    private static long countNonZero(NDArray a) {
        float[] v = a.toFloatArray();
        long n = 0;
        for (float x : v) {
            n += x != 0 ? 1 : 0;
        }
        return n;
    }

    public double compression() {
        return parameters / (double) nonZeroParameters;
    }

    public double theoreticalSpeedUp() {
        return macs / (double) nonZeroMacs;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("parameters", parameters);
        m.put("nonZeroParameters", nonZeroParameters);
        m.put("macs", macs);
        m.put("nonZeroMacs", nonZeroMacs);
        m.put("compression", compression());
        m.put("theoreticalSpeedUp", theoreticalSpeedUp());
        m.put("layerSparsity", layerSparsity);
        return m;
    }
}
