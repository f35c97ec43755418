package org.prune4j.train;

import org.prune4j.train.optim.Optimizer;
import org.prune4j.train.optim.Optimizers;
import org.prune4j.train.schedule.LearningRateSchedule;
import org.prune4j.train.schedule.Schedules;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to train (or fine-tune): optimizer, learning rate and schedule, epochs, batch size,
 * augmentation and seed. A value recorded in provenance, so a result says how it was made.
 */
public record TrainingRecipe(String optimizer, double learningRate, double momentum, boolean nesterov,
        double weightDecay, String schedule, double warmupEpochs, int epochs, int batchSize,
        boolean augment, long seed) {

    public TrainingRecipe {
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

    /** SGD with Nesterov momentum 0.9, weight decay 5e-4, one-cycle schedule, batch 128. */
    public static TrainingRecipe defaults(int epochs, long seed) {
        return new TrainingRecipe("sgd", 0.1, 0.9, true, 5e-4, "onecycle", 0, epochs, 128, false, seed);
    }

    /** The same recipe for a different number of epochs. */
    public TrainingRecipe withEpochs(int newEpochs) {
        return new TrainingRecipe(optimizer, learningRate, momentum, nesterov, weightDecay, schedule,
                warmupEpochs, newEpochs, batchSize, augment, seed);
    }

    /** The same recipe with a different seed (data order, augmentation). */
    public TrainingRecipe withSeed(long newSeed) {
        return new TrainingRecipe(optimizer, learningRate, momentum, nesterov, weightDecay, schedule,
                warmupEpochs, epochs, batchSize, augment, newSeed);
    }

    /** The inverse of {@link #toMap}, e.g. for a recipe read back from provenance or a results store. */
    public static TrainingRecipe fromMap(Map<String, Object> m) {
        return new TrainingRecipe((String) m.get("optimizer"), ((Number) m.get("learningRate")).doubleValue(),
                ((Number) m.get("momentum")).doubleValue(), (Boolean) m.get("nesterov"),
                ((Number) m.get("weightDecay")).doubleValue(), (String) m.get("schedule"),
                ((Number) m.get("warmupEpochs")).doubleValue(), ((Number) m.get("epochs")).intValue(),
                ((Number) m.get("batchSize")).intValue(), (Boolean) m.get("augment"), ((Number) m.get("seed")).longValue());
    }

    public Optimizer newOptimizer() {
        return Optimizers.create(optimizer, momentum, nesterov, weightDecay);
    }

    public LearningRateSchedule newSchedule(int batchesPerEpoch) {
        long total = (long) epochs * batchesPerEpoch;
        return Schedules.create(schedule, learningRate, total, Math.round(warmupEpochs * batchesPerEpoch));
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizer", optimizer);
        m.put("learningRate", learningRate);
        m.put("momentum", momentum);
        m.put("nesterov", nesterov);
        m.put("weightDecay", weightDecay);
        m.put("schedule", schedule);
        m.put("warmupEpochs", warmupEpochs);
        m.put("epochs", epochs);
        m.put("batchSize", batchSize);
        m.put("augment", augment);
        m.put("seed", seed);
        return m;
    }
}
