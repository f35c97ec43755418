package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;

import org.prune4j.dependency.Group;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.model.Model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * First-order Taylor importance on activations (Molchanov et al. 2017): per sample, |mean over
 * positions of activation × gradient| of each feature map, averaged over samples and batches,
 * summed over the group's activation outputs, then L2-normalized within the group.
 */
public final class TaylorActivationCriterion implements ChannelCriterion {

    private final Map<String, double[]> accumulated = new HashMap<>();
    private long samples;

    @Override
    public String name() {
        return "taylor-activation";
    }

    @Override
    public boolean usesData() {
        return true;
    }

    @Override
    public List<String> gatedNodes(Model model, List<Group> groups) {
        List<String> nodes = new ArrayList<>();
        for (Group g : groups) {
            nodes.addAll(activations(model, g));
        }
        return nodes;
    }

    @Override
    public void observe(Model model, List<Group> groups, Map<String, NDArray> gates) {
        long batch = -1;
        for (Group g : groups) {
            double[] acc = accumulated.computeIfAbsent(g.root(), k -> new double[g.size()]);
            for (String node : activations(model, g)) {
                NDArray gate = gates.get(node);
                long[] shape = model.graph().shapeOf(node).getShape();
                double positions = shape.length == 3 ? shape[1] * shape[2] : 1;
                try (NDArray grad = gate.getGradient()) {
                    float[] v = grad.toFloatArray();
                    int channels = (int) shape[0];
                    batch = v.length / channels;
                    for (int n = 0; n < batch; n++) {
                        for (int k = 0; k < g.size(); k++) {
                            for (int idx : g.indicesIn(node, k)) {
                                acc[k] += Math.abs(v[n * channels + idx] / positions);
                            }
                        }
                    }
                }
            }
        }
        samples += Math.max(0, batch);
    }

    /** Activation outputs of the group (ReLU etc.); the created spaces when there is none. */
    static List<String> activations(Model model, Group g) {
        List<String> acts = new ArrayList<>();
        for (String s : g.spaces()) {
            if (!s.equals(model.graph().inputName()) && model.graph().node(s).op() instanceof ActivationOp) {
                acts.add(s);
            }
        }
        return acts.isEmpty() ? List.of(g.root()) : acts;
    }

    @Override
    public float[] score(Model model, Group group) {
        double[] acc = accumulated.get(group.root());
        if (acc == null || samples == 0) {
            throw new IllegalStateException("criterion 'taylor-activation' saw no data batches");
        }
        double norm = 0;
        for (double a : acc) {
            norm += a * a;
        }
        norm = Math.sqrt(norm);
        double[] out = new double[acc.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = norm == 0 ? 0 : acc[k] / samples / (norm / samples);
        }
        return Scores.toFloats(out);
    }
}
