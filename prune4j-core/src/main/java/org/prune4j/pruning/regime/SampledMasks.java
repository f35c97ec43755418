package org.prune4j.pruning.regime;

import ai.djl.ndarray.NDArray;

import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.pruning.PruningSession;
import org.prune4j.train.TrainingContext;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Training with masks sampled per batch from per-channel drop probabilities: a dropped channel's
 * weights (all it owns) are zero for that step and get their values back after the update, so a
 * channel dropped by chance is not lost; at probability 1 a channel is pruned for good (held at
 * zero). When the regime's training ends, what the method removes is pruned for good. Subclasses
 * set the probabilities at each update.
 */
abstract class SampledMasks extends SteeringRegime.Steering {
    private final Random random;
    double[] probability;
    private Map<Parameter, NDArray> mask = Map.of();     // 1 kept, 0 dropped this batch
    private Map<Parameter, NDArray> restore = Map.of();  // 1 where a dropped weight gets its value back
    private final Map<Parameter, NDArray> saved = new LinkedHashMap<>();

    SampledMasks(PruningSession session, long seed) {
        super(session);
        this.random = new Random(seed);
    }

    @Override
    boolean readersOnly() {
        return false;
    }

    @Override
    void start(Model model, int epochs, int batchesPerEpoch) {
        super.start(model, epochs, batchesPerEpoch);
        sample();
    }

    @Override
    public void onBatchEnd(TrainingContext context, double loss, long correct, int batchSize) {
        unmask();
        super.onBatchEnd(context, loss, correct, batchSize);
        sample();
    }

    /** Draws this batch's mask and zeroes the dropped channels' weights, keeping their values. */
    void sample() {
        double[] keep = new double[probability.length];
        for (int c = 0; c < keep.length; c++) {
            keep[c] = probability[c] >= 1 || random.nextDouble() < probability[c] ? 0 : 1;
        }
        mask = slicing.perElement(keep, 1f, ChannelSlicing.Overlap.SMALLEST);
        Map<Parameter, NDArray> alive = slicing.perElement(keepMask(), 1f, ChannelSlicing.Overlap.SMALLEST);
        restore = new LinkedHashMap<>();
        mask.forEach((p, m) -> { // dropped now, and not pruned for good
            try (NDArray a = alive.get(p); NDArray dropped = m.neg()) {
                restore.put(p, dropped.addi(1).mul(a));
            }
            saved.put(p, p.value().duplicate());
            p.value().muli(m);
        });
    }

    /** After the update: dropped weights get their values back (pruned-for-good ones stay zero). */
    void unmask() {
        mask.forEach((p, m) -> {
            NDArray before = saved.remove(p);
            try (NDArray back = before.mul(restore.get(p))) {
                p.value().muli(m).addi(back);
            }
            before.close();
            m.close();
            restore.get(p).close();
        });
        mask = Map.of();
        restore = Map.of();
    }

    @Override
    public void onTrainingEnd(TrainingContext context) {
        unmask();
        boolean[] chosen = slicing.chosen(session.plannedRemoval());
        for (int c = 0; c < probability.length; c++) { // what the method removes is pruned for good now
            if (chosen[c]) {
                probability[c] = 1;
            }
        }
        slicing.perElement(keepMask(), 1f, ChannelSlicing.Overlap.SMALLEST).forEach((p, m) -> {
            p.value().muli(m);
            m.close();
        });
    }

    private double[] keepMask() {
        double[] keep = new double[probability.length];
        for (int c = 0; c < keep.length; c++) {
            keep[c] = probability[c] >= 1 ? 0 : 1;
        }
        return keep;
    }

    double[] probabilities() {
        return probability.clone();
    }
}
