package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

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
 * prune4j's MISSION): intervene on a layer by scaling each channel of each example by an
 * independent factor drawn from the maximum-entropy distribution on [0, 2] (uniform), run the
 * rest of the network, and measure the mutual information between each channel's factor and the
 * network's decision. Because the factors are set by intervention, independently of the input
 * and of each other, that information is the channel's causal effect on the output, not a
 * correlation inherited from the data. Layers are perturbed one at a time, from the output
 * backwards (the paper propagates the measurement layer by layer; here each layer's effect is
 * measured through the intact layers after it). Estimated with equal-frequency bins of the
 * factor; the plug-in estimate's bias, about (bins − 1)(classes − 1) / 2N nats, is the floor a
 * channel without effect scores at.
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
            int channels = (int) model.graph().shapeOf(node).get(0);
            List<float[]> factors = new ArrayList<>();
            List<Integer> decisions = new ArrayList<>();
            data.forEach(model, (step, xy) -> {
                int batch = (int) xy.get(0).getShape().get(0);
                float[] g = new float[batch * channels];
                for (int i = 0; i < g.length; i++) {
                    g[i] = 2 * rng.nextFloat();
                }
                Shape shape = Calibration.gateShape(model, node, batch);
                NDArray gate = step.create(g, shape).toType(model.dataType(), false);
                long[] decided = model.forward(xy.get(0), false, Map.of(node, gate)).argMax(1).toLongArray();
                for (int n = 0; n < batch; n++) {
                    factors.add(java.util.Arrays.copyOfRange(g, n * channels, (n + 1) * channels));
                    decisions.add((int) decided[n]);
                }
            });
            int[] y = decisions.stream().mapToInt(Integer::intValue).toArray();
            double[] mi = new double[channels];
            float[] column = new float[factors.size()];
            for (int c = 0; c < channels; c++) {
                for (int n = 0; n < column.length; n++) {
                    column[n] = factors.get(n)[c];
                }
                mi[c] = MInformationCriterion.mutualInformation(
                        MInformationCriterion.equalFrequencyBins(column, BINS), y);
            }
            information.put(node, mi);
        }
    }

    @Override
    public float[] score(Model model, Group group) {
        return ChannelActivations.perGroupChannel(model, group, information);
    }
}
