package org.prune4j.pruning;

import org.prune4j.criterion.Calibration;
import org.prune4j.dependency.Group;
import org.prune4j.model.Model;
import org.prune4j.model.ParameterState;
import org.prune4j.train.listener.TrainingListener;

import java.util.Map;

/**
 * What a {@link PruningSchedule} drives: one model being pruned toward its budget by one
 * method (structured or unstructured), and the fine-tuning recipe it trains with. Structured
 * and unstructured pruning, {@code prune} and the bench all run their schedules through this.
 */
public interface PruningSession {

    /**
     * Prunes further, to {@code progress} of the budget. {@code state} (an optimizer's, may be
     * null) is pruned along when channels go in the middle of training.
     */
    void pruneTo(Progress progress, ParameterState state);

    /**
     * Trains with the fine-tuning recipe for {@code epochs} epochs (nothing for 0), with what
     * was removed held removed, and {@code during} listening (e.g. pruning while training).
     */
    void fineTune(int epochs, TrainingListener... during);

    /** The fine-tuning recipe's epochs: what a schedule trains after its last pruning step. */
    int fineTuneEpochs();

    /** The model being pruned (regimes read and shape its weights while it trains). */
    Model model();

    /** The channels the method would remove now to reach its whole budget, without removing them. */
    Map<Group, int[]> plannedRemoval();

    /** The method pruning the model (its settings say its budget). */
    PruningMethod method();

    /** The calibration batches the method sees (null in a data-free run): what regimes measure the model on. */
    Calibration calibration();
}
