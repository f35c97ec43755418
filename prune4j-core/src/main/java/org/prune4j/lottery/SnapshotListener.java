package org.prune4j.lottery;

import org.prune4j.train.TrainingContext;
import org.prune4j.train.listener.TrainingListener;

import java.util.Map;
import java.util.TreeMap;

/**
 * Saves the model's parameters at chosen optimizer steps of a training run: step 0 is the
 * initialization (before the first step), step k the state after k steps.
 */
public final class SnapshotListener implements TrainingListener {

    private final long[] steps;
    private final Map<Long, WeightSnapshot> snapshots = new TreeMap<>();

    public SnapshotListener(long... steps) {
        this.steps = steps.clone();
    }

    @Override
    public void onTrainingBegin(TrainingContext context) {
        takeIfWanted(context, 0);
    }

    @Override
    public void onBatchEnd(TrainingContext context, double loss, long correct, int batchSize) {
        takeIfWanted(context, context.step());
    }

    private void takeIfWanted(TrainingContext context, long step) {
        for (long s : steps) {
            if (s == step) {
                snapshots.put(step, WeightSnapshot.of(context.model()));
            }
        }
    }

    /** The snapshot at {@code step}; refuses a step that was not reached. */
    public WeightSnapshot at(long step) {
        WeightSnapshot s = snapshots.get(step);
        if (s == null) {
            throw new IllegalStateException("no snapshot at step " + step + "; taken at " + snapshots.keySet());
        }
        return s;
    }
}
