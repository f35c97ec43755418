package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import org.prune4j.dependency.Group;
import org.prune4j.engine.Engines;
import org.prune4j.model.Model;
import org.prune4j.train.Loss;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Integrated-gradient relevance (Yvinec et al., "SInGE: Sparsity via Integrated Gradients
 * Estimation of Neuron Relevance", NeurIPS 2022). A channel's relevance is the integral of the
 * loss gradient along the path from the current network to the removal of its layer: every space
 * of the group is scaled by μ from 1 to 0 (gates, as the oracle removes channels), and channel k
 * collects {@code IG_k = −∫₀¹ Σ_spaces ∂L/∂gate_k(μ) dμ} (the path runs from μ = 1 down to 0),
 * by the midpoint rule on {@value #STEPS} points. By the gradient theorem the channels' terms add up to the loss change
 * of removing the whole group, which first-order Taylor (the gradient at μ = 1 alone) does not.
 * The score is {@code |IG_k|} averaged over the calibration batches. Its entangled prune /
 * fine-tune loop is the {@code singe} schedule ({@link org.prune4j.pruning.PruningSchedules}).
 */
public final class SingeCriterion implements ChannelCriterion {

    public static final String NAME = "singe";
    static final int STEPS = 8;

    private final Map<String, double[]> integrated = new HashMap<>();
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
            for (Group g : groups) {
                Scores.accumulate(integrated, g.root(), integratedGradients(model, g, step, xy, STEPS));
            }
            batches++;
        });
    }

    /** One batch's {@code IG_k} per channel of {@code g}, signed (positive: removal raises the loss), on {@code steps} midpoints. */
    static double[] integratedGradients(Model model, Group g, NDManager step, NDList xy, int steps) {
        double[] ig = new double[g.size()];
        for (int t = 0; t < steps; t++) {
            float mu = (float) ((t + 0.5) / steps);
            Map<String, NDArray> gates = new HashMap<>();
            for (String space : g.spaces()) {
                NDArray gate = step.full(Calibration.gateShape(model, space, 1), mu, model.dataType());
                gate.setRequiresGradient(true);
                gates.put(space, gate);
            }
            try (GradientCollector gc = Engines.get().newGradientCollector()) {
                gc.backward(Loss.crossEntropy(model.forward(xy.get(0), false, gates), xy.get(1)));
            }
            for (String space : g.spaces()) {
                double[] grad = BatchGradient.doubles(gates.get(space).getGradient());
                for (int k = 0; k < ig.length; k++) {
                    for (int i : g.indicesIn(space, k)) {
                        ig[k] -= grad[i] / steps;
                    }
                }
            }
            gates.values().forEach(NDArray::close);
            model.trainableParameters().forEach(p -> Engines.zeroGradient(p.value()));
        }
        return ig;
    }

    @Override
    public float[] score(Model model, Group group) {
        double[] acc = Scores.collected(integrated, group, NAME);
        double[] s = new double[acc.length];
        for (int k = 0; k < s.length; k++) {
            s[k] = Math.abs(acc[k] / batches);
        }
        return Scores.toFloats(s);
    }
}
