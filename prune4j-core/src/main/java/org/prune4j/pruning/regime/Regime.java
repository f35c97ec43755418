package org.prune4j.pruning.regime;

import org.prune4j.pruning.PruningSchedule;

/**
 * A way to prune while training: the regime trains the model for {@link #regimeEpochs()} with
 * its own rule (a penalty, sampled or soft masks), which steers the channels the method will
 * remove toward zero or out of use, then the method prunes them for real (the model gets smaller
 * and meets its budget) and the recipe's fine-tuning epochs follow. A regime is a
 * {@link PruningSchedule}, so {@code prune}, the bench and the result's provenance treat it like
 * one; found by name in {@link Regimes}.
 */
public interface Regime extends PruningSchedule {

    /** Epochs the regime trains with its rule, before (and between) its pruning steps. */
    int regimeEpochs();

    /** Every epoch a run with this regime trains: its own and the fine-tuning after its last pruning step. */
    default int totalEpochs(int fineTuneEpochs) {
        return regimeEpochs() + fineTuneEpochs;
    }
}
