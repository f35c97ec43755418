package org.prune4j.data;

import java.util.Random;

/**
 * Mirrors the sample left-right with the given probability.
 *
 * <p>Always draws exactly one {@code rng.nextDouble()} per sample, whatever the outcome, so the
 * random stream seen by later transforms does not depend on this one's decision.
 */
public final class RandomHorizontalFlip implements SampleTransform {

    private final double probability;

    /** @param probability chance of flipping, in [0, 1] */
    public RandomHorizontalFlip(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability must be in [0, 1] but was " + probability);
        }
        this.probability = probability;
    }

    public double probability() {
        return probability;
    }

    @Override
    public void apply(float[] chw, int channels, int height, int width, Random rng) {
        if (rng.nextDouble() < probability) {
            flip(chw, channels * height, width);
        }
    }

    /** Reverses each of the {@code rows} rows of length {@code width}. */
    static void flip(float[] chw, int rows, int width) {
        for (int r = 0; r < rows; r++) {
            int lo = r * width;
            int hi = lo + width - 1;
            while (lo < hi) {
                float t = chw[lo];
                chw[lo++] = chw[hi];
                chw[hi--] = t;
            }
        }
    }

    @Override
    public String toString() {
        return "RandomHorizontalFlip(" + probability + ")";
    }
}
