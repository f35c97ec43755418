package org.prune4j.sparsity;

import org.prune4j.train.TrainingContext;
import org.prune4j.train.listener.TrainingListener;

/** Keeps removed weights at zero during training: the masks are applied after every optimizer step. */
public final class MaskedTraining implements TrainingListener {

    private final WeightMasks masks;

    public MaskedTraining(WeightMasks masks) {
        this.masks = masks;
    }

    @Override
    public void onTrainingBegin(TrainingContext context) {
        masks.apply(context.model());
    }

    @Override
    public void onBatchEnd(TrainingContext context, double loss, long correct, int batchSize) {
        masks.apply(context.model());
    }
}
