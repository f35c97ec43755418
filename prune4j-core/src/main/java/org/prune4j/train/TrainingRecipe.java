package org.prune4j.train;

import org.prune4j.train.optim.Optimizer;
import org.prune4j.train.optim.Optimizers;
import org.prune4j.train.schedule.LearningRateSchedule;
import org.prune4j.train.schedule.Schedules;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to train (or fine-tune): optimizer, learning rate and learning-rate schedule, epochs, batch
 * size, augmentation and seed. A value recorded in provenance, so a result says how it was made.
 * Names and numbers are checked when it is made, so a typo fails before any model is loaded.
 *
 * <pre>{@code
 * TrainingRecipe r = TrainingRecipe.builder().setEpochs(3).optLearningRate(0.05).optLrSchedule("cosine").build();
 * }</pre>
 *
 * @param lrSchedule the learning-rate schedule ({@link Schedules#NAMES}); not a pruning schedule
 */
public record TrainingRecipe(String optimizer, double learningRate, double momentum, boolean nesterov,
        double weightDecay, String lrSchedule, double warmupEpochs, int epochs, int batchSize,
        boolean augment, long seed) {

    public TrainingRecipe {
        if (!Optimizers.NAMES.contains(optimizer)) {
            throw new IllegalArgumentException("unknown optimizer '" + optimizer + "'; known are " + Optimizers.NAMES);
        }
        if (!Schedules.NAMES.contains(lrSchedule)) {
            throw new IllegalArgumentException("unknown learning-rate schedule '" + lrSchedule + "'; known are "
                    + Schedules.NAMES);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
        if (!(momentum >= 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("momentum and weight decay must be 0 or more, got " + momentum
                    + " and " + weightDecay);
        }
        if (epochs <= 0) {
            throw new IllegalArgumentException("epochs must be positive, got " + epochs);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (warmupEpochs < 0 || warmupEpochs >= epochs) {
            throw new IllegalArgumentException("warm-up epochs must be in [0, " + epochs + "), got " + warmupEpochs);
        }
    }

    /**
     * A builder starting from the training defaults: SGD with Nesterov momentum 0.9, weight decay
     * 5e-4, one-cycle schedule peaking at 0.1, batch 128, no augmentation, seed 0.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The training defaults ({@link #builder()}) for {@code epochs} epochs. */
    public static TrainingRecipe defaults(int epochs, long seed) {
        return builder().setEpochs(epochs).optSeed(seed).build();
    }

    /**
     * The fine-tuning defaults, the one place they are set (for {@code prune} and the bench): SGD
     * with Nesterov momentum 0.9, weight decay 5e-4, cosine from 0.01, 2 epochs, batch 128.
     */
    public static TrainingRecipe fineTuneDefaults() {
        return builder().setEpochs(2).optLearningRate(0.01).optLrSchedule("cosine").build();
    }

    /** A builder holding this recipe's settings, to change some of them. */
    public Builder toBuilder() {
        return new Builder().optOptimizer(optimizer).optLearningRate(learningRate).optMomentum(momentum)
                .optNesterov(nesterov).optWeightDecay(weightDecay).optLrSchedule(lrSchedule).optWarmupEpochs(warmupEpochs)
                .setEpochs(epochs).optBatchSize(batchSize).optAugment(augment).optSeed(seed);
    }

    /** The same recipe for a different number of epochs. */
    public TrainingRecipe withEpochs(int newEpochs) {
        return toBuilder().setEpochs(newEpochs).build();
    }

    /** The same recipe with a different seed (data order, augmentation). */
    public TrainingRecipe withSeed(long newSeed) {
        return toBuilder().optSeed(newSeed).build();
    }

    /** The inverse of {@link #toMap}, e.g. for a recipe read back from provenance or a results store. */
    public static TrainingRecipe fromMap(Map<String, Object> m) {
        return builder().optOptimizer((String) m.get("optimizer"))
                .optLearningRate(((Number) m.get("learningRate")).doubleValue())
                .optMomentum(((Number) m.get("momentum")).doubleValue()).optNesterov((Boolean) m.get("nesterov"))
                .optWeightDecay(((Number) m.get("weightDecay")).doubleValue()).optLrSchedule((String) m.get("schedule"))
                .optWarmupEpochs(((Number) m.get("warmupEpochs")).doubleValue())
                .setEpochs(((Number) m.get("epochs")).intValue()).optBatchSize(((Number) m.get("batchSize")).intValue())
                .optAugment((Boolean) m.get("augment")).optSeed(((Number) m.get("seed")).longValue()).build();
    }

    public Optimizer newOptimizer() {
        return Optimizers.create(optimizer, momentum, nesterov, weightDecay);
    }

    public LearningRateSchedule newSchedule(int batchesPerEpoch) {
        long total = (long) epochs * batchesPerEpoch;
        return Schedules.create(lrSchedule, learningRate, total, Math.round(warmupEpochs * batchesPerEpoch));
    }

    /** The settings by name; the keys are part of provenance and of bench run ids (format version 1). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizer", optimizer);
        m.put("learningRate", learningRate);
        m.put("momentum", momentum);
        m.put("nesterov", nesterov);
        m.put("weightDecay", weightDecay);
        m.put("schedule", lrSchedule); // the key results stores and run ids have always used
        m.put("warmupEpochs", warmupEpochs);
        m.put("epochs", epochs);
        m.put("batchSize", batchSize);
        m.put("augment", augment);
        m.put("seed", seed);
        return m;
    }

    /** {@code setEpochs} is required; the rest start at the training defaults. Checked in {@code build()}. */
    public static final class Builder {
        private String optimizer = "sgd";
        private double learningRate = 0.1;
        private double momentum = 0.9;
        private boolean nesterov = true;
        private double weightDecay = 5e-4;
        private String lrSchedule = "onecycle";
        private double warmupEpochs;
        private int epochs;
        private int batchSize = 128;
        private boolean augment;
        private long seed;

        private Builder() {}

        public Builder setEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** {@code sgd}, {@code adam} or {@code adamw}. */
        public Builder optOptimizer(String optimizer) {
            this.optimizer = optimizer == null ? null : optimizer.trim().toLowerCase(java.util.Locale.ROOT);
            return this;
        }

        /** The peak (or constant) learning rate. */
        public Builder optLearningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder optMomentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        public Builder optNesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        public Builder optWeightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /** The learning-rate schedule: {@code constant}, {@code step}, {@code cosine} or {@code onecycle}. */
        public Builder optLrSchedule(String lrSchedule) {
            this.lrSchedule = lrSchedule == null ? null : lrSchedule.trim().toLowerCase(java.util.Locale.ROOT);
            return this;
        }

        public Builder optWarmupEpochs(double warmupEpochs) {
            this.warmupEpochs = warmupEpochs;
            return this;
        }

        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Random crop with padding and horizontal flip. */
        public Builder optAugment(boolean augment) {
            this.augment = augment;
            return this;
        }

        /** Data order and augmentation. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public TrainingRecipe build() {
            return new TrainingRecipe(optimizer, learningRate, momentum, nesterov, weightDecay, lrSchedule,
                    warmupEpochs, epochs, batchSize, augment, seed);
        }
    }
}
