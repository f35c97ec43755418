package org.prune4j.lottery;

import org.prune4j.data.DataLoader;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.sparsity.PrunableWeights;
import org.prune4j.sparsity.UnstructuredPruner;
import org.prune4j.sparsity.WeightMasks;
import org.prune4j.train.DataSplits;
import org.prune4j.train.TrainingRecipe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * COLT's round (Cyclic Overlapping Lottery Tickets): on each of {@code splits} equal parts of the
 * training data, a copy of the network starts from its initialization under the current masks,
 * trains the dense training's epochs on that part and loses {@code rate} of its remaining
 * weights by magnitude; the new masks keep only the weights every copy kept.
 */
final class Colt {

    private final DataSplits data;
    private final int splits;
    private final double rate;
    private final boolean includeClassifier;
    private final Retraining retraining;

    Colt(DataSplits data, int splits, double rate, boolean includeClassifier, Retraining retraining) {
        this.data = data;
        this.splits = splits;
        this.rate = rate;
        this.includeClassifier = includeClassifier;
        this.retraining = retraining;
    }

    /** Sets {@code masks} (of {@code model}) to the overlap of the splits' masks; returns each copy's density. */
    List<Double> round(Model model, WeightMasks masks, WeightSnapshot init, UnstructuredPruner pruner) {
        TrainingRecipe training = retraining.training();
        double density = masks.size() == 0 ? 1 : masks.kept() / (double) masks.size(); // no masks yet: dense
        int part = data.train().size() / splits;
        List<Map<String, float[]>> kept = new ArrayList<>();
        List<Double> densities = new ArrayList<>();
        for (int s = 0; s < splits; s++) {
            DataSplits split = new DataSplits(data.name(), data.train().slice(s * part, (s + 1) * part), data.test());
            DataLoader loader = split.trainLoader(training);
            try (Model copy = Model.builder().setGraph(model.graph()).optSeed(training.seed()).build();
                    WeightMasks own = new WeightMasks(copy)) {
                init.restore(copy);
                for (Parameter w : PrunableWeights.of(copy, includeClassifier)) {
                    float[] m = masks.get(w.fullName());
                    own.set(w, m != null ? m : ones((int) w.value().size()));
                }
                long steps = (long) training.epochs() * loader.batchesPerEpoch();
                retraining.retrain(copy, own, loader, steps, 0, false, training.learningRate());
                pruner.pruneToDensity(copy, own, density * (1 - rate));
                kept.add(Map.copyOf(own.all()));
                densities.add(own.kept() / (double) own.size());
            }
        }
        Map<String, float[]> overlap = overlap(kept);
        for (Parameter w : PrunableWeights.of(model, includeClassifier)) {
            masks.set(w, overlap.get(w.fullName()));
        }
        masks.apply(model);
        return densities;
    }

    /** The weights every mask keeps. */
    static Map<String, float[]> overlap(List<Map<String, float[]>> masks) {
        Map<String, float[]> overlap = new LinkedHashMap<>();
        for (String name : masks.get(0).keySet()) {
            float[] both = masks.get(0).get(name).clone();
            for (Map<String, float[]> m : masks.subList(1, masks.size())) {
                float[] other = m.get(name);
                for (int i = 0; i < both.length; i++) {
                    both[i] = both[i] != 0 && other[i] != 0 ? 1 : 0;
                }
            }
            overlap.put(name, both);
        }
        return overlap;
    }

    private static float[] ones(int n) {
        float[] m = new float[n];
        Arrays.fill(m, 1);
        return m;
    }
}
