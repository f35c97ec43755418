package org.prune4j.lottery;

import org.prune4j.data.Batch;
import org.prune4j.data.DataLoader;
import org.prune4j.model.Model;
import org.prune4j.sparsity.WeightMasks;
import org.prune4j.train.DataSplits;
import org.prune4j.train.Evaluator;
import org.prune4j.train.Trainer;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.train.optim.Optimizer;
import org.prune4j.train.schedule.LearningRateSchedule;

/**
 * How a round retrains under masks: the dense training's optimizer and schedule, entered at the
 * rewind step (or held at its final rate for plain fine-tuning), the masks applied after every
 * step; shared by the ticket, its controls, COLT's copies and the oracle's tries.
 */
final class Retraining {

    private final DataSplits data;
    private final TrainingRecipe training;
    private final Rewind rewind;

    Retraining(DataSplits data, TrainingRecipe training, Rewind rewind) {
        this.data = data;
        this.training = training;
        this.rewind = rewind;
    }

    TrainingRecipe training() {
        return training;
    }

    /**
     * Trains {@code steps} optimizer steps with a fresh optimizer, the learning rate from the
     * dense schedule scaled to {@code peak} as the rewind says, and the masks applied after every step.
     */
    void retrain(Model target, WeightMasks masks, DataLoader train, long steps, double peak) {
        retrain(target, masks, train, steps, rewind.step(), rewind.kind() == Rewind.Kind.FINE_TUNE, peak);
    }

    /** ... from step {@code from} of the schedule over {@code train}'s batches, or at its final rate. */
    void retrain(Model target, WeightMasks masks, DataLoader train, long steps, long from, boolean finalRate,
            double peak) {
        int perEpoch = train.batchesPerEpoch();
        TrainingRecipe recipe = peak == training.learningRate() ? training
                : training.toBuilder().optLearningRate(peak).build();
        LearningRateSchedule dense = recipe.newSchedule(perEpoch);
        long total = (long) training.epochs() * perEpoch;
        LearningRateSchedule segment = finalRate ? t -> dense.rateAt(total - 1) : t -> dense.rateAt(from + t);
        masks.apply(target);
        try (Optimizer optimizer = recipe.newOptimizer()) {
            Trainer trainer = Trainer.builder().setModel(target).setOptimizer(optimizer).setSchedule(segment).build();
            long done = 0;
            for (int epoch = (int) (from / perEpoch); done < steps; epoch++) {
                for (Batch batch : train.epoch(epoch)) {
                    if (done == steps) {
                        break;
                    }
                    trainer.step(batch);
                    masks.apply(target);
                    done++;
                }
            }
        }
    }

    double top1(Model m) {
        return Evaluator.evaluate(m, data.testLoader()).top1();
    }
}
