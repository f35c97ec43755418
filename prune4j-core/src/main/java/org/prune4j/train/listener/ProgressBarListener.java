package org.prune4j.train.listener;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import org.prune4j.train.EpochStats;
import org.prune4j.train.TrainingContext;

/** A terminal progress bar per epoch showing loss, accuracy and images per second. */
public final class ProgressBarListener implements TrainingListener {

    private ProgressBar bar;
    private double lossSum;
    private long correct;
    private long images;
    private long startNanos;

    @Override
    public void onEpochBegin(TrainingContext context) {
        bar = new ProgressBarBuilder()
                .setTaskName(String.format("epoch %d/%d", context.epoch() + 1, context.epochs()))
                .setInitialMax(context.batchesPerEpoch())
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .continuousUpdate()
                .build();
        lossSum = 0;
        correct = 0;
        images = 0;
        startNanos = System.nanoTime();
    }

    @Override
    public void onBatchEnd(TrainingContext context, double loss, long batchCorrect, int batchSize) {
        lossSum += loss * batchSize;
        correct += batchCorrect;
        images += batchSize;
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        bar.step();
        bar.setExtraMessage(String.format(" loss %.4f acc %.2f%% %.0f img/s", lossSum / images,
                100.0 * correct / images, images / seconds));
    }

    @Override
    public void onEpochEnd(TrainingContext context, EpochStats stats) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
