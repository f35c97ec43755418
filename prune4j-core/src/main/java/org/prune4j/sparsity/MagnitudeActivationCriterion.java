package org.prune4j.sparsity;

import ai.djl.ndarray.NDArray;

import org.prune4j.criterion.Calibration;
import org.prune4j.graph.Node;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * |w| × a statistic of the input channel the weight reads: its mean |activation| (ShrinkBench's
 * MagAct), or how often it fires (is positive) — the brain-inspired score of the seed paper, a
 * connection matters as much as its weight and how often it is used. Either way a large weight on
 * an input that is almost always zero matters little.
 */
public final class MagnitudeActivationCriterion implements WeightCriterion {

    /** What is measured of each input channel over the calibration batches. */
    public enum Statistic {
        MEAN_ABS, FIRING_RATE
    }

    private final Statistic statistic;

    public MagnitudeActivationCriterion(Statistic statistic) {
        this.statistic = statistic;
    }

    @Override
    public boolean usesData() {
        return true;
    }

    @Override
    public Map<String, float[]> score(Model model, List<Parameter> weights, Calibration data) {
        Gradients.requireData(data);
        Map<String, String> inputOf = new HashMap<>(); // weight's node → the node whose output it reads
        for (Parameter w : weights) {
            inputOf.put(w.node(), model.graph().node(w.node()).inputs().get(0));
        }
        Map<String, double[]> meanAbs = new HashMap<>();
        data.forEach(model, (step, xy) -> model.forward(xy.get(0), false, Map.of(), (name, x) -> {
            if (inputOf.containsValue(name)) {
                // the engine reduces one axis at a time; equal-sized means compose exactly
                try (NDArray a = statistic == Statistic.MEAN_ABS ? x.abs() : x.gt(0).toType(x.getDataType(), false);
                        NDArray m = x.getShape().dimension() == 4
                        ? a.mean(new int[] {3}).mean(new int[] {2}).mean(new int[] {0}) : a.mean(new int[] {0})) {
                    float[] v = m.toFloatArray();
                    double[] acc = meanAbs.computeIfAbsent(name, k -> new double[v.length]);
                    for (int i = 0; i < v.length; i++) {
                        acc[i] += v[i];
                    }
                }
            }
        }));
        Map<String, float[]> scores = new LinkedHashMap<>();
        for (Parameter w : weights) {
            double[] act = meanAbs.get(inputOf.get(w.node()));
            float[] v = w.value().toFloatArray();
            long[] shape = w.value().getShape().getShape();
            Node node = model.graph().node(w.node());
            int groups = node.op() instanceof Conv2dOp c ? c.groups() : 1;
            int perInput = shape.length == 4 ? (int) (shape[2] * shape[3]) : 1;
            int inPerGroup = (int) shape[1];
            int outPerGroup = (int) shape[0] / groups;
            for (int i = 0; i < v.length; i++) {
                int o = i / (inPerGroup * perInput);
                int channel = (o / outPerGroup) * inPerGroup + (i / perInput) % inPerGroup;
                v[i] = (float) (Math.abs(v[i]) * act[channel]);
            }
            scores.put(w.fullName(), v);
        }
        return scores;
    }
}
