package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;

import org.prune4j.dependency.Group;
import org.prune4j.model.Model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Mutual information under maximum-entropy perturbation (the causal-inference pruning seed of
 * prune4j's MISSION): intervene on one channel at a time by scaling it, in each example, by a
 * factor drawn from the maximum-entropy distribution on [0, 2] (uniform), run the rest of the
 * network, and measure the mutual information between the factor and whether the network's
 * decision changed. Because the factor is set by intervention, independently of the input, that
 * information is the channel's causal effect on the decision, not a correlation inherited from
 * the data. Layers are measured from the output backwards, each through the intact layers after
 * it. Estimated with equal-frequency bins of the factor; the plug-in estimate's bias, about
 * (bins − 1) / 2N nats for a two-valued outcome, is the floor of a channel without effect. One
 * forward pass per channel and calibration batch, like the oracle. Perturbing a whole layer at
 * once instead left every channel's information at the estimator's floor (docs/BENCHMARKS.md).
 */
public final class MaxEntropyPerturbationCriterion implements ChannelCriterion {

    public static final String NAME = "mi-perturbation";
    private static final int BINS = 8;

    private final Random rng;
    private final Map<String, double[]> information = new HashMap<>();

    public MaxEntropyPerturbationCriterion(long seed) {
        this.rng = new Random(seed);
    }

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
        Set<String> nodes = new LinkedHashSet<>();
        groups.forEach(g -> nodes.addAll(TaylorActivationCriterion.activations(model, g)));
        List<String> backwards = new ArrayList<>(nodes);
        java.util.Collections.reverse(backwards);
        for (String node : backwards) {
            information.put(node, information(model, node, data));
        }
    }

    /** Per channel of {@code node}: I(factor; decision changed), one channel perturbed at a time. */
    private double[] information(Model model, String node, Calibration data) {
        int channels = (int) model.graph().shapeOf(node).get(0);
        List<List<Float>> factors = new ArrayList<>();
        List<List<Integer>> changed = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            factors.add(new ArrayList<>());
            changed.add(new ArrayList<>());
        }
        data.forEach(model, (step, xy) -> {
            int batch = (int) xy.get(0).getShape().get(0);
            long[] unperturbed = model.forward(xy.get(0), false).argMax(1).toLongArray();
            for (int c = 0; c < channels; c++) {
                float[] g = new float[batch * channels];
                java.util.Arrays.fill(g, 1f);
                for (int n = 0; n < batch; n++) {
                    g[n * channels + c] = 2 * rng.nextFloat();
                    factors.get(c).add(g[n * channels + c]);
                }
                NDArray gate = step.create(g, Calibration.gateShape(model, node, batch)).toType(model.dataType(), false);
                long[] decided = model.forward(xy.get(0), false, Map.of(node, gate)).argMax(1).toLongArray();
                for (int n = 0; n < batch; n++) {
                    changed.get(c).add(decided[n] == unperturbed[n] ? 0 : 1);
                }
            }
        });
        double[] mi = new double[channels];
        for (int c = 0; c < channels; c++) {
            float[] factor = new float[factors.get(c).size()];
            for (int n = 0; n < factor.length; n++) {
                factor[n] = factors.get(c).get(n);
            }
            int[] outcome = changed.get(c).stream().mapToInt(Integer::intValue).toArray();
            mi[c] = MInformationCriterion.mutualInformation(MInformationCriterion.equalFrequencyBins(factor, BINS),
                    outcome);
        }
        return mi;
    }

    @Override
    public float[] score(Model model, Group group) {
        return ChannelActivations.perGroupChannel(model, group, information);
    }
}
