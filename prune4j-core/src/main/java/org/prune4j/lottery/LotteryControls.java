package org.prune4j.lottery;

import org.prune4j.data.DataLoader;
import org.prune4j.graph.Graph;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.sparsity.PrunableWeights;
import org.prune4j.sparsity.WeightMasks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The lottery-ticket paper's controls of a round, each trained on a model of its own with the
 * ticket's steps and learning rates: {@code reinit}, the ticket's masks on a new random
 * initialization; {@code random-masks}, masks with the ticket's per-layer counts at random
 * positions, on the weights the ticket starts from (its rewind point, or the initialization when
 * it keeps its trained weights).
 */
final class LotteryControls {

    private final Graph graph;
    private final Rewind rewind;
    private final boolean includeClassifier;
    private final Retraining retraining;

    LotteryControls(Graph graph, Rewind rewind, boolean includeClassifier, Retraining retraining) {
        this.graph = graph;
        this.rewind = rewind;
        this.includeClassifier = includeClassifier;
        this.retraining = retraining;
    }

    /** Trains one control of round {@code round}; returns its test accuracy. */
    double top1(Control control, int round, WeightMasks ticketMasks, WeightSnapshot init, WeightSnapshot rewindPoint,
            DataLoader train, long steps, double peak) {
        Start start = start(control, round, ticketMasks.all(), init, rewindPoint);
        try (Model other = start.model(); WeightMasks masks = new WeightMasks(other)) {
            for (Parameter w : PrunableWeights.of(other, includeClassifier)) {
                masks.set(w, start.masks().get(w.fullName()));
            }
            retraining.retrain(other, masks, train, steps, peak);
            return retraining.top1(other);
        }
    }

    /** A control's unmasked starting model and its masks. */
    record Start(Model model, Map<String, float[]> masks) {}

    Start start(Control control, int round, Map<String, float[]> ticketMasks, WeightSnapshot init,
            WeightSnapshot rewindPoint) {
        long seed = retraining.training().seed() + 7919L * round + control.ordinal() + 1;
        Model other = Model.builder().setGraph(graph).optSeed(seed).build();
        if (control == Control.REINIT) {
            return new Start(other, ticketMasks);
        }
        (rewind.restoresWeights() ? rewindPoint : init).restore(other);
        return new Start(other, randomMasks(ticketMasks, seed));
    }

    /** Masks with the same number of kept weights in each tensor, at random positions. */
    static Map<String, float[]> randomMasks(Map<String, float[]> masks, long seed) {
        Random rng = new Random(seed);
        Map<String, float[]> shuffled = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : masks.entrySet()) {
            float[] m = e.getValue().clone();
            for (int i = m.length - 1; i > 0; i--) { // Fisher-Yates
                int j = rng.nextInt(i + 1);
                float t = m[i];
                m[i] = m[j];
                m[j] = t;
            }
            shuffled.put(e.getKey(), m);
        }
        return shuffled;
    }
}
