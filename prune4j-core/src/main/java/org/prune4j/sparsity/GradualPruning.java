package org.prune4j.sparsity;

import org.prune4j.model.Model;
import org.prune4j.train.TrainingContext;
import org.prune4j.train.listener.TrainingListener;

/**
 * Gradual pruning during training with the cubic schedule of Zhu &amp; Gupta (2017, "AGP"): every
 * {@code frequency} steps from {@code startStep} the sparsity of the prunable weights becomes
 * s_t = s_f + (s_i − s_f)·(1 − (t − t0)/(n·Δt))³, reaching the final sparsity s_f at step
 * {@code endStep}; after that the masks are only kept. Masks are applied after every step.
 */
public final class GradualPruning implements TrainingListener {

    private final UnstructuredPruner pruner;
    private final WeightMasks masks;
    private final double finalSparsity;
    private final long startStep;
    private final long endStep;
    private final int frequency;

    public GradualPruning(UnstructuredPruner pruner, WeightMasks masks, double finalSparsity,
            long startStep, long endStep, int frequency) {
        if (!(finalSparsity > 0 && finalSparsity < 1)) {
            throw new IllegalArgumentException("final sparsity must be in (0, 1), got " + finalSparsity);
        }
        if (startStep < 0 || endStep <= startStep || frequency < 1) {
            throw new IllegalArgumentException("need 0 <= start < end and frequency >= 1, got start " + startStep
                    + ", end " + endStep + ", frequency " + frequency);
        }
        this.pruner = pruner;
        this.masks = masks;
        this.finalSparsity = finalSparsity;
        this.startStep = startStep;
        this.endStep = endStep;
        this.frequency = frequency;
    }

    /** The scheduled sparsity after {@code step} optimizer steps. */
    public double sparsityAt(long step) {
        if (step < startStep) {
            return 0;
        }
        double progress = Math.min(1, (step - startStep) / (double) (endStep - startStep));
        return finalSparsity * (1 - Math.pow(1 - progress, 3)); // s_i = 0: training starts dense
    }

    @Override
    public void onBatchEnd(TrainingContext context, double loss, long correct, int batchSize) {
        long step = context.step(); // steps taken so far, this one included
        Model model = context.model();
        boolean pruningStep = step >= startStep && step <= endStep
                && ((step - startStep) % frequency == 0 || step == endStep);
        if (pruningStep) {
            pruner.pruneToKeepFraction(model, masks, 1 - sparsityAt(step));
        } else {
            masks.apply(model);
        }
    }
}
