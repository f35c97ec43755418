package org.prune4j.sparsity;

import java.util.Arrays;

/** Keeps the k highest of a set of scores; ties are broken by position, so results are deterministic. */
final class TopK {

    private TopK() {}

    /** The score of the k-th highest entry and how many entries equal to it are to be kept (first ones). */
    static Threshold threshold(float[] all, long k) {
        if (k <= 0) {
            return new Threshold(Float.POSITIVE_INFINITY, 0);
        }
        if (k >= all.length) {
            return new Threshold(Float.NEGATIVE_INFINITY, Long.MAX_VALUE);
        }
        float[] sorted = all.clone();
        Arrays.sort(sorted);
        float t = sorted[all.length - (int) k];
        long above = 0;
        for (float v : all) {
            if (v > t) {
                above++;
            }
        }
        return new Threshold(t, k - above);
    }

    /** Applies a threshold in order; {@code tiesLeft} is shared across arrays (global selection). */
    static float[] mask(float[] scores, Threshold t, long[] tiesLeft) {
        float[] mask = new float[scores.length];
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] > t.value()) {
                mask[i] = 1;
            } else if (scores[i] == t.value() && tiesLeft[0] > 0 && scores[i] != Float.NEGATIVE_INFINITY) {
                mask[i] = 1;
                tiesLeft[0]--;
            }
        }
        return mask;
    }

    record Threshold(float value, long ties) {}
}
