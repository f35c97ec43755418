package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;

import org.prune4j.dependency.Group;
import org.prune4j.graph.ChannelCoupling;
import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * NISP, Neuron Importance Score Propagation (Yu et al., "NISP: Pruning Networks using Neuron
 * Importance Score Propagation", CVPR 2018). The final response layer (FRL: the input of the last
 * conv or linear layer, i.e. the classifier's features) is ranked by Infinite Feature Selection
 * on its responses over the calibration batches; that importance is propagated backwards to every
 * layer at once, {@code s_in = |W|ᵀ·s_out} through convolutions (|W| summed over the kernel) and
 * linear layers, and channel by channel through everything else (activations, batch norm,
 * pooling, flatten, residual adds, concatenations), as the paper's bound treats them. A channel's
 * score sums its importance over the conv and linear outputs of its group (the layers it is
 * removed from).
 */
public final class NispCriterion implements ChannelCriterion {

    public static final String NAME = "nisp";

    private final List<double[]> responses = new ArrayList<>();
    private Map<String, double[]> importance;

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
        String frl = finalResponseLayer(model.graph());
        data.forEach(model, (step, xy) -> model.forward(xy.get(0), false, Map.of(), (node, output) -> {
            if (node.equals(frl)) {
                try (NDArray perChannel = output.getShape().dimension() == 4 ? output.mean(new int[] {2, 3}) : output.duplicate()) {
                    long features = perChannel.getShape().get(1);
                    float[] flat = perChannel.toFloatArray();
                    for (int row = 0; row * features < flat.length; row++) {
                        double[] r = new double[(int) features];
                        for (int j = 0; j < features; j++) {
                            r[j] = flat[(int) (row * features + j)];
                        }
                        responses.add(r);
                    }
                }
            }
        }));
        if (responses.size() < 2) {
            throw new IllegalArgumentException("criterion 'nisp' needs at least 2 calibration samples to rank the final "
                    + "response layer '" + frl + "', got " + responses.size());
        }
        importance = propagate(model, frl, InfiniteFeatureSelection.scores(responses.toArray(double[][]::new)));
    }

    /** The input of the last conv or linear layer (the classifier's features). */
    static String finalResponseLayer(Graph graph) {
        List<Node> nodes = graph.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (n.op() instanceof LinearOp || n.op() instanceof Conv2dOp) {
                return n.inputs().get(0);
            }
        }
        throw new IllegalArgumentException("criterion 'nisp' needs a conv or linear layer, the graph has none");
    }

    /** The importance of every space at or before {@code frl}, given the FRL's scores. */
    static Map<String, double[]> propagate(Model model, String frl, double[] frlScores) {
        Graph graph = model.graph();
        Map<String, double[]> s = new HashMap<>();
        s.put(frl, frlScores.clone());
        List<Node> nodes = graph.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            double[] out = s.get(n.name());
            if (out == null) {
                continue; // after the FRL, or feeding nothing that matters
            }
            if (n.op() instanceof Conv2dOp || n.op() instanceof LinearOp) {
                throughWeights(model, n, out, scoresOf(s, graph, n.inputs().get(0)));
            } else {
                ChannelRules.of(n.op()).couple(n, graph, new ChannelCoupling() {
                    @Override
                    public void couple(String spaceA, int a, String spaceB, int b) {
                        if (spaceA.equals(n.name())) {
                            scoresOf(s, graph, spaceB)[b] += out[a];
                        }
                    }

                    @Override
                    public void markCreated(String space) {}

                    @Override
                    public void markFixed(String space, String reason) {}
                });
            }
        }
        return s;
    }

    /** {@code in += |W|ᵀ·out}, a conv's |W| summed over its kernel (and mapped through its groups). */
    private static void throughWeights(Model model, Node n, double[] out, double[] in) {
        NDArray weight = model.parameter(n.name(), "weight").value();
        long[] dims = weight.getShape().getShape(); // (O, I/groups, kh, kw) or (O, I)
        float[] w = weight.toFloatArray();
        int outChannels = (int) dims[0];
        int inPerGroup = (int) dims[1];
        int kernel = w.length / (outChannels * inPerGroup);
        int groups = n.op() instanceof Conv2dOp conv ? conv.groups() : 1;
        int outPerGroup = outChannels / groups;
        for (int o = 0; o < outChannels; o++) {
            for (int j = 0; j < inPerGroup; j++) {
                double abs = 0;
                for (int k = 0; k < kernel; k++) {
                    abs += Math.abs(w[(o * inPerGroup + j) * kernel + k]);
                }
                in[(o / outPerGroup) * inPerGroup + j] += abs * out[o];
            }
        }
    }

    private static double[] scoresOf(Map<String, double[]> s, Graph graph, String space) {
        return s.computeIfAbsent(space, k -> new double[(int) graph.shapeOf(k).get(0)]);
    }

    @Override
    public float[] score(Model model, Group group) {
        if (importance == null) {
            throw new IllegalStateException("criterion '" + NAME + "' saw no data batches");
        }
        List<String> weighted = group.spaces().stream().filter(sp -> !sp.equals(model.graph().inputName()))
                .filter(sp -> model.graph().node(sp).op() instanceof Conv2dOp
                        || model.graph().node(sp).op() instanceof LinearOp)
                .toList();
        double[] total = new double[group.size()];
        for (String space : weighted.isEmpty() ? group.spaces() : weighted) {
            double[] s = importance.get(space);
            for (int k = 0; s != null && k < total.length; k++) {
                for (int idx : group.indicesIn(space, k)) {
                    total[k] += s[idx];
                }
            }
        }
        return Scores.toFloats(total);
    }
}
