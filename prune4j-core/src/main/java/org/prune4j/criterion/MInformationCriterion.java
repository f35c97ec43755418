package org.prune4j.criterion;


import org.prune4j.data.ImageDataset;
import org.prune4j.dependency.Group;
import org.prune4j.model.Model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * M-information flow (Venkatesh, Dutta &amp; Grover, "Can information flows suggest targets for
 * interventions in neural circuits?", NeurIPS 2021): the information an edge carries about a
 * protected attribute M, and pruning the edges that carry the most of it to reduce the
 * attribute's influence on decisions. Mutual information does not change when a variable is
 * scaled, so every outgoing edge of a unit carries the same flow I(M; X_u), and pruning the
 * highest-flow edges removes whole units: here, channels. A channel's score is
 * exp(I(Y; X) − I(M; X)) over its activations (the mean of each feature map), estimated with
 * equal-frequency bins on the calibration images: channels that tell more about the protected
 * attribute than about the label go first. Needs a data set with a protected attribute
 * (e.g. {@code fashion-mnist-biased}).
 */
public final class MInformationCriterion implements ChannelCriterion {

    public static final String NAME = "m-information";
    private static final int BINS = 8;

    private final Map<String, double[]> flowDifference = new HashMap<>();

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
        ImageDataset dataset = data.loader().dataset();
        if (!dataset.hasAttributes()) {
            throw new IllegalArgumentException("criterion " + NAME + " needs a data set with a protected attribute "
                    + "(e.g. fashion-mnist-biased); " + dataset.name() + " has none");
        }
        ChannelActivations activations = ChannelActivations.record(model, groups, data);
        int[] y = activations.labels();
        int[] m = java.util.Arrays.stream(activations.indices()).map(dataset::attribute).toArray();
        for (String node : activations.nodes()) {
            flowDifference.put(node, flowDifference(activations.of(node), y, m));
        }
    }

    /** Per channel: I(Y; X) − I(M; X) in nats. */
    private static double[] flowDifference(List<float[]> samples, int[] y, int[] m) {
        int channels = samples.get(0).length;
        double[] diff = new double[channels];
        float[] x = new float[samples.size()];
        for (int c = 0; c < channels; c++) {
            for (int n = 0; n < x.length; n++) {
                x[n] = samples.get(n)[c];
            }
            int[] bins = equalFrequencyBins(x, BINS);
            diff[c] = mutualInformation(bins, y) - mutualInformation(bins, m);
        }
        return diff;
    }

    /** Bin indices with about equal counts; equal values share a bin (a ReLU's zeros are one bin). */
    static int[] equalFrequencyBins(float[] x, int bins) {
        float[] sorted = x.clone();
        java.util.Arrays.sort(sorted);
        float[] edges = new float[bins - 1];
        for (int b = 1; b < bins; b++) {
            edges[b - 1] = sorted[(int) ((long) b * sorted.length / bins)];
        }
        int[] out = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            int b = 0;
            for (float edge : edges) {
                b += edge > sorted[0] && x[i] >= edge ? 1 : 0; // an edge at the minimum would split equal values
            }
            out[i] = b;
        }
        return out;
    }

    /** Plug-in mutual information (nats) of two discrete variables. */
    static double mutualInformation(int[] a, int[] b) {
        Map<Long, Integer> joint = new HashMap<>();
        Map<Integer, Integer> ma = new HashMap<>();
        Map<Integer, Integer> mb = new HashMap<>();
        for (int i = 0; i < a.length; i++) {
            joint.merge(((long) a[i] << 32) | (b[i] & 0xffffffffL), 1, Integer::sum);
            ma.merge(a[i], 1, Integer::sum);
            mb.merge(b[i], 1, Integer::sum);
        }
        double n = a.length;
        double mi = 0;
        for (Map.Entry<Long, Integer> e : joint.entrySet()) {
            int ai = (int) (e.getKey() >> 32);
            int bi = (int) (long) e.getKey();
            double p = e.getValue() / n;
            mi += p * Math.log(p / (ma.get(ai) / n * (mb.get(bi) / n)));
        }
        return Math.max(0, mi);
    }

    @Override
    public float[] score(Model model, Group group) {
        float[] scores = ChannelActivations.perGroupChannel(model, group, flowDifference);
        for (int k = 0; k < scores.length; k++) {
            scores[k] = (float) Math.exp(scores[k]);
        }
        return scores;
    }
}
