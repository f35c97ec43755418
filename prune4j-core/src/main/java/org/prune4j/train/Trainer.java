package org.prune4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import org.prune4j.data.Batch;
import org.prune4j.data.DataLoader;
import org.prune4j.engine.Engines;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.model.Provenance;
import org.prune4j.train.listener.TrainingListener;
import org.prune4j.train.optim.Optimizer;
import org.prune4j.train.schedule.LearningRateSchedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The training loop: for every batch, forward and cross-entropy in train mode, backward, the
 * listeners' {@code beforeUpdate}, an optimizer step at the scheduled rate, and zeroed
 * gradients. Every step runs in its own NDManager so native memory stays flat.
 */
public final class Trainer {

    private final Model model;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final List<TrainingListener> listeners;
    private final TrainingContext manualSteps;

    private Trainer(Builder b) {
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.schedule = b.schedule;
        this.listeners = List.copyOf(b.listeners);
        this.manualSteps = new TrainingContext(model, optimizer, 1, 1);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Trains {@code model} as {@code recipe} says: its optimizer (closed afterwards), its schedule over
     * {@code train}'s batches and its number of epochs, with the given listeners; the training is
     * recorded in the model's provenance (kind {@code train}: the recipe and the number of samples).
     */
    public static List<EpochStats> fit(Model model, TrainingRecipe recipe, DataLoader train,
            List<TrainingListener> listeners) {
        // what the model went through, recorded before the first epoch so per-epoch checkpoints carry it
        model.setProvenance(Provenance.of("train", Map.of("recipe", recipe.toMap(),
                "trainSamples", train.dataset().size()), model.provenance()));
        try (Optimizer optimizer = recipe.newOptimizer()) {
            Builder b = builder().setModel(model).setOptimizer(optimizer)
                    .setSchedule(recipe.newSchedule(train.batchesPerEpoch()));
            listeners.forEach(b::optListener);
            return b.build().fit(train, null, recipe.epochs());
        }
    }

    /**
     * Trains for {@code epochs} passes over {@code train}; evaluates on {@code validation} after
     * each epoch when it is not null.
     */
    public List<EpochStats> fit(DataLoader train, DataLoader validation, int epochs) {
        if (epochs <= 0) {
            throw new IllegalArgumentException("epochs must be positive, got " + epochs);
        }
        TrainingContext ctx = new TrainingContext(model, optimizer, epochs, train.batchesPerEpoch());
        listeners.forEach(l -> l.onTrainingBegin(ctx));
        List<EpochStats> history = new ArrayList<>();
        for (int epoch = 0; epoch < epochs; epoch++) {
            ctx.epoch = epoch;
            listeners.forEach(l -> l.onEpochBegin(ctx));
            long start = System.nanoTime();
            double lossSum = 0;
            long correct = 0;
            long images = 0;
            for (Batch batch : train.epoch(epoch)) {
                ctx.learningRate = schedule.rateAt(ctx.step);
                // read every step: a listener may have pruned channels (new parameter objects)
                double[] lossAndCorrect = trainStep(batch, model.trainableParameters(), ctx);
                lossSum += lossAndCorrect[0] * batch.size();
                correct += (long) lossAndCorrect[1];
                images += batch.size();
                ctx.step++;
                for (TrainingListener l : listeners) {
                    l.onBatchEnd(ctx, lossAndCorrect[0], (long) lossAndCorrect[1], batch.size());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            EvalResult val = validation == null ? null : Evaluator.evaluate(model, validation);
            EpochStats stats = new EpochStats(epoch, lossSum / images, correct / (double) images,
                    images, seconds, ctx.learningRate, val);
            history.add(stats);
            listeners.forEach(l -> l.onEpochEnd(ctx, stats));
        }
        listeners.forEach(l -> l.onTrainingEnd(ctx));
        return history;
    }

    /**
     * One training step outside {@link #fit} (benchmarks, custom loops), at the schedule's rate
     * for the number of steps this method has taken so far; returns the loss.
     */
    public double step(Batch batch) {
        manualSteps.learningRate = schedule.rateAt(manualSteps.step);
        double loss = trainStep(batch, model.trainableParameters(), manualSteps)[0];
        manualSteps.step++;
        return loss;
    }

    private double[] trainStep(Batch batch, List<Parameter> trainable, TrainingContext ctx) {
        try (NDManager step = model.manager().newSubManager()) {
            NDList xy = batch.toNDList(step);
            NDArray labels = xy.get(1);
            double lossValue;
            long correct;
            try (GradientCollector gc = Engines.get().newGradientCollector()) {
                NDArray logits = model.forward(xy.get(0), true);
                NDArray loss = Loss.crossEntropy(logits, labels);
                gc.backward(loss);
                lossValue = loss.getFloat();
                correct = Loss.correctInTopK(logits, labels, 1);
            }
            if (!Double.isFinite(lossValue)) {
                throw new IllegalStateException("training diverged: loss is " + lossValue
                        + " at step " + ctx.step + "; lower the learning rate (now "
                        + ctx.learningRate + ")");
            }
            listeners.forEach(l -> l.beforeUpdate(ctx));
            optimizer.step(trainable, ctx.learningRate);
            for (Parameter p : trainable) {
                Engines.zeroGradient(p.value());
            }
            return new double[] {lossValue, correct};
        }
    }

    /** {@code setModel}, {@code setOptimizer} and {@code setSchedule} are required. */
    public static final class Builder {
        private Model model;
        private Optimizer optimizer;
        private LearningRateSchedule schedule;
        private final List<TrainingListener> listeners = new ArrayList<>();

        private Builder() {}

        public Builder setModel(Model model) {
            this.model = model;
            return this;
        }

        public Builder setOptimizer(Optimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        public Builder setSchedule(LearningRateSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        public Builder optListener(TrainingListener listener) {
            listeners.add(listener);
            return this;
        }

        public Trainer build() {
            if (model == null || optimizer == null || schedule == null) {
                throw new IllegalArgumentException("Trainer needs setModel, setOptimizer and setSchedule");
            }
            return new Trainer(this);
        }
    }
}
