package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;

import org.prune4j.dependency.Group;
import org.prune4j.graph.Node;
import org.prune4j.model.Model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Structured pruning as sparse signal recovery (Wolfe, Wang, Kyrillidis, "i-SpaSP: Structured
 * Neural Pruning via Sparse Signal Recovery", L4DC 2022). The layers that read a group's channels
 * are linear in their input, so their output (bias aside) is a sum of one contribution per
 * channel, {@code y = Σ_k a_k}. The method keeps the channels whose sum tracks the dense output:
 * it repeatedly picks the channel most correlated with the residual between the dense output and
 * the picked channels' sum, {@code |⟨a_k, y − Σ_picked a_j⟩| / ‖a_k‖}, over the calibration data.
 * The paper picks 2s candidates per iteration and trims to a budget s; a criterion has no
 * budget, so this picks one channel at a time, which orders the channels for every budget. A
 * channel's score is its place in that order, {@code (C − position) / C}: per layer, so a global
 * selection prunes every layer by about the same fraction.
 *
 * <p>Only the Gram matrix {@code ⟨a_j, a_k⟩} is needed ({@code ⟨a_k, y⟩} is its row sum); it is
 * summed over batches, so no activations are kept. The readers are those of {@link GroupReaders}.
 */
public final class ISpaspCriterion implements ChannelCriterion {

    public static final String NAME = "i-spasp";

    private final Map<String, double[][]> gram = new HashMap<>();

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
        Map<Group, List<Node>> readers = GroupReaders.of(model, groups, NAME);
        GroupReaders.forEachBatch(model, readers, data, (step, inputs) -> readers.forEach((g, nodes) -> {
            double[][] acc = gram.computeIfAbsent(g.root(), r -> new double[g.size()][g.size()]);
            for (Node n : nodes) {
                addGram(acc, GroupReaders.contributions(model, g, n, inputs.get(n.inputs().get(0)), step, NDArray::duplicate));
            }
        }));
    }

    private static void addGram(double[][] acc, NDArray a) {
        try (a; NDArray g = a.matMul(a.transpose())) {
            double[] flat = BatchGradient.doubles(g);
            int c = acc.length;
            for (int i = 0; i < c; i++) {
                for (int j = 0; j < c; j++) {
                    acc[i][j] += flat[i * c + j];
                }
            }
        }
    }

    @Override
    public float[] score(Model model, Group group) {
        double[][] g = gram.get(group.root());
        if (g == null) {
            throw new IllegalStateException("criterion '" + NAME + "' saw no data batches for group " + group.root());
        }
        return Scores.toFloats(scoresByPursuit(g));
    }

    /** The pursuit on a Gram matrix: channel k's score is {@code (C − position) / C}, the first pick scoring 1. */
    static double[] scoresByPursuit(double[][] gram) {
        int c = gram.length;
        double[] correlation = new double[c];   // ⟨a_k, residual⟩, the residual starting as y = Σ a_j
        for (int k = 0; k < c; k++) {
            for (int j = 0; j < c; j++) {
                correlation[k] += gram[k][j];
            }
        }
        double[] score = new double[c];
        boolean[] picked = new boolean[c];
        for (int position = 0; position < c; position++) {
            int best = -1;
            double bestValue = -1;
            for (int k = 0; k < c; k++) {
                double norm = Math.sqrt(gram[k][k]);
                double value = picked[k] ? -1 : norm == 0 ? 0 : Math.abs(correlation[k]) / norm;
                if (!picked[k] && value > bestValue) {
                    best = k;
                    bestValue = value;
                }
            }
            picked[best] = true;
            score[best] = (c - position) / (double) c;
            for (int k = 0; k < c; k++) {
                correlation[k] -= gram[k][best];
            }
        }
        return score;
    }
}
