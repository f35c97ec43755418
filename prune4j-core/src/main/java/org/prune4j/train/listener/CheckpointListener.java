package org.prune4j.train.listener;

import org.prune4j.model.Checkpoint;
import org.prune4j.train.EpochStats;
import org.prune4j.train.TrainingContext;

import java.nio.file.Path;

/** Saves the model after every epoch (atomically), so an interrupted run keeps its last epoch. */
public final class CheckpointListener implements TrainingListener {

    private final Path file;

    public CheckpointListener(Path file) {
        this.file = file;
    }

    @Override
    public void onEpochEnd(TrainingContext context, EpochStats stats) {
        Checkpoint.save(context.model(), file);
    }
}
