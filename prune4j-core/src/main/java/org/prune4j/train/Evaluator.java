package org.prune4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import org.prune4j.data.Batch;
import org.prune4j.data.DataLoader;
import org.prune4j.model.Model;

/** Top-1, top-5 and loss of a model in eval mode over one pass of a loader. */
public final class Evaluator {

    private Evaluator() {}

    public static EvalResult evaluate(Model model, DataLoader loader) {
        double lossSum = 0;
        long top1 = 0;
        long top5 = 0;
        long n = 0;
        for (Batch batch : loader.epoch(0)) {
            try (NDManager step = model.manager().newSubManager()) {
                NDList xy = batch.toNDList(step);
                NDArray labels = xy.get(1);
                NDArray logits = model.forward(xy.get(0), false);
                try (NDArray loss = Loss.crossEntropy(logits, labels)) {
                    lossSum += loss.getFloat() * (double) batch.size();
                }
                top1 += Loss.correctInTopK(logits, labels, 1);
                top5 += Loss.correctInTopK(logits, labels, 5);
                n += batch.size();
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("cannot evaluate on an empty data set");
        }
        return new EvalResult(lossSum / n, top1 / (double) n, top5 / (double) n, n);
    }
}
