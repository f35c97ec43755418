package org.prune4j.train.listener;

import org.prune4j.train.EpochStats;
import org.prune4j.train.TrainingContext;

import java.io.PrintStream;

/** One plain line per epoch (for logs and CI, where a progress bar would only add noise). */
public final class EpochLogListener implements TrainingListener {

    private final PrintStream out;

    public EpochLogListener(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onEpochEnd(TrainingContext context, EpochStats s) {
        StringBuilder line = new StringBuilder(String.format(
                "epoch %d/%d: train loss %.4f, train acc %.2f%%, %.0f img/s, %.1f s, lr %.4g",
                s.epoch() + 1, context.epochs(), s.trainLoss(), 100 * s.trainAccuracy(),
                s.imagesPerSecond(), s.seconds(), s.learningRate()));
        if (s.validation() != null) {
            line.append(String.format(", val acc %.2f%%, val loss %.4f",
                    100 * s.validation().top1(), s.validation().loss()));
        }
        out.println(line);
    }
}
