package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;

import org.prune4j.dependency.Group;
import org.prune4j.model.Model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * First-order Taylor importance on weights (Molchanov et al. 2019): per batch, the squared sum of
 * gradient × weight over every parameter slice of the channel across the group (BN γ/β
 * included), accumulated over the calibration batches.
 */
public final class TaylorWeightCriterion implements ChannelCriterion {

    private final Map<String, double[]> accumulated = new HashMap<>();

    @Override
    public String name() {
        return "taylor";
    }

    @Override
    public boolean usesData() {
        return true;
    }

    @Override
    public void observe(Model model, List<Group> groups, Map<String, NDArray> gates) {
        Map<String, float[]> products = new HashMap<>();
        for (Group g : groups) {
            double[] sum = GroupSlices.sumPerChannel(model, g, p -> {
                float[] gw = products.computeIfAbsent(p.fullName(), k -> {
                    try (NDArray grad = p.value().getGradient(); NDArray product = grad.mul(p.value())) {
                        return product.toFloatArray();
                    }
                });
                return i -> gw[i];
            });
            double[] acc = accumulated.computeIfAbsent(g.root(), k -> new double[g.size()]);
            for (int k = 0; k < sum.length; k++) {
                acc[k] += sum[k] * sum[k];
            }
        }
    }

    @Override
    public float[] score(Model model, Group group) {
        double[] acc = accumulated.get(group.root());
        if (acc == null) {
            throw new IllegalStateException("criterion 'taylor' saw no data batches");
        }
        return Scores.toFloats(acc);
    }
}
