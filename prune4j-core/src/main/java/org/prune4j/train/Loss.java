package org.prune4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/** Softmax cross-entropy and accuracy counts on logits {@code (N, K)} and labels {@code (N)}. */
public final class Loss {

    private Loss() {}

    /** Mean softmax cross-entropy over the batch. */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        try (NDArray logProbs = logits.logSoftmax(1);
                NDArray picked = logProbs.get(new NDIndex().addAllDim().addPickDim(labels))) {
            return picked.neg().mean();
        }
    }

    /** How many rows have the label among their {@code k} largest logits. */
    public static long correctInTopK(NDArray logits, NDArray labels, int k) {
        if (k == 1) {
            try (NDArray predicted = logits.argMax(1);
                    NDArray hits = predicted.eq(labels);
                    NDArray count = hits.sum()) {
                return count.getLong();
            }
        }
        int kk = (int) Math.min(k, logits.getShape().get(1));
        // A label is in the top k when fewer than k logits are larger than its own.
        try (NDArray own = logits.get(new NDIndex().addAllDim().addPickDim(labels));
                NDArray ownCol = own.reshape(-1, 1);
                NDArray larger = logits.gt(ownCol);
                NDArray rank = larger.sum(new int[] {1});
                NDArray hits = rank.lt(kk);
                NDArray count = hits.sum()) {
            return count.getLong();
        }
    }
}
