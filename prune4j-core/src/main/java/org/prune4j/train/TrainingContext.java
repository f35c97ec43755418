package org.prune4j.train;

import org.prune4j.model.Model;
import org.prune4j.train.optim.Optimizer;

/** What listeners may read about the run in progress. */
public final class TrainingContext {

    private final Model model;
    private final Optimizer optimizer;
    private final int epochs;
    private final int batchesPerEpoch;
    int epoch;
    long step;
    double learningRate;

    TrainingContext(Model model, Optimizer optimizer, int epochs, int batchesPerEpoch) {
        this.model = model;
        this.optimizer = optimizer;
        this.epochs = epochs;
        this.batchesPerEpoch = batchesPerEpoch;
    }

    public Model model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public int epochs() {
        return epochs;
    }

    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** The current epoch, 0-based. */
    public int epoch() {
        return epoch;
    }

    /** Optimizer steps taken so far in this run. */
    public long step() {
        return step;
    }

    public double learningRate() {
        return learningRate;
    }
}
