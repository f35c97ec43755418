package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import org.prune4j.dependency.Group;
import org.prune4j.model.Model;
import org.prune4j.train.Loss;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The true importance of a channel, the reference of Molchanov et al. ("Pruning Convolutional
 * Neural Networks for Resource Efficient Inference", ICLR 2017; "Importance Estimation for Neural
 * Network Pruning", CVPR 2019): how much the loss on the calibration batches rises when that one
 * channel is removed — its whole group slice, in every coupled layer — and nothing else changes.
 * Negative when removing it helps.
 *
 * <p>Removal is simulated exactly, in eval mode, by {@link RemovalGates}. That costs one forward pass per channel and
 * batch: a reference for the other criteria, and a (slow) criterion for small networks.
 */
public final class OracleCriterion implements ChannelCriterion {

    public static final String NAME = "oracle";

    private final Map<String, double[]> increase = new HashMap<>();
    private int batches;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean usesData() {
        return true;
    }

    @Override
    public void calibrate(Model model, List<Group> groups, Calibration data) {
        data.forEach(model, (step, xy) -> {
            double base = loss(model, step, xy, Map.of());
            for (Group g : groups) {
                double[] acc = increase.computeIfAbsent(g.root(), k -> new double[g.size()]);
                for (int k = 0; k < g.size(); k++) {
                    try (NDManager gates = step.newSubManager()) {
                        acc[k] += loss(model, step, xy, RemovalGates.of(model, gates, g, k)) - base;
                    }
                }
            }
            batches++;
        });
    }

    private static double loss(Model model, NDManager step, NDList xy, Map<String, NDArray> gates) {
        try (NDManager scope = step.newSubManager()) {
            NDArray logits = model.forward(xy.get(0), false, gates);
            logits.attach(scope);
            try (NDArray loss = Loss.crossEntropy(logits, xy.get(1))) {
                return loss.toType(DataType.FLOAT64, false).getDouble();
            }
        }
    }

    @Override
    public float[] score(Model model, Group group) {
        double[] acc = increase.get(group.root());
        if (acc == null || batches == 0) {
            throw new IllegalStateException("criterion 'oracle' saw no data batches for group " + group.root());
        }
        float[] out = new float[acc.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) (acc[k] / batches);
        }
        return out;
    }
}
