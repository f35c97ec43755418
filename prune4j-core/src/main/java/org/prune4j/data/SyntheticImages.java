package org.prune4j.data;

import java.util.Random;

/**
 * Generates small, seeded, clearly separable image data sets for tests and smoke runs.
 *
 * <p>Each class {@code k} has a fixed prototype: a random Gaussian pattern (std 1) plus a constant
 * level spread evenly over [-1, 1] by class. The pattern separates classes for models that look at
 * spatial structure; the level keeps them apart even after global average pooling. A sample is its
 * class prototype plus Gaussian noise of std {@code noise}. Labels cycle {@code 0, 1, ..., K-1, 0,
 * ...}, so classes are balanced and every batch mixes them. The same seed always yields the same
 * data.
 *
 * <pre>{@code
 * ImageDataset data = SyntheticImages.builder()
 *         .setNumSamples(256).setShape(1, 8, 8).setNumClasses(4).optSeed(7).build();
 * }</pre>
 */
public final class SyntheticImages {

    /** Default noise std: small next to the unit-std prototypes, so classes are easy to learn. */
    public static final float DEFAULT_NOISE = 0.3f;

    private SyntheticImages() {}

    public static Builder builder() {
        return new Builder();
    }

    /** Builder; {@code setX} values are required, {@code optX} values have defaults. */
    public static final class Builder {

        private int numSamples = -1;
        private int channels = -1;
        private int height = -1;
        private int width = -1;
        private int numClasses = -1;
        private long seed;
        private float noise = DEFAULT_NOISE;

        private Builder() {}

        /** Number of samples N (required, > 0). */
        public Builder setNumSamples(int numSamples) {
            this.numSamples = numSamples;
            return this;
        }

        /** Sample shape C x H x W (required, each > 0). */
        public Builder setShape(int channels, int height, int width) {
            this.channels = channels;
            this.height = height;
            this.width = width;
            return this;
        }

        /** Number of classes (required, >= 2). */
        public Builder setNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /** Random seed; default 0. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Standard deviation of the per-pixel noise; default {@value SyntheticImages#DEFAULT_NOISE}. */
        public Builder optNoise(float noise) {
            this.noise = noise;
            return this;
        }

        public ImageDataset build() {
            if (numSamples <= 0) {
                throw new IllegalArgumentException(
                        "numSamples must be set to a value > 0 (setNumSamples), was " + numSamples);
            }
            if (channels <= 0 || height <= 0 || width <= 0) {
                throw new IllegalArgumentException(
                        "shape must be set to positive sizes (setShape(c, h, w)), was "
                                + channels + "x" + height + "x" + width);
            }
            if (numClasses < 2) {
                throw new IllegalArgumentException(
                        "numClasses must be set to a value >= 2 (setNumClasses), was " + numClasses);
            }
            if (!(noise >= 0) || Float.isInfinite(noise)) {
                throw new IllegalArgumentException("noise must be a finite value >= 0, was " + noise);
            }
            long total = (long) numSamples * channels * height * width;
            if (total > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(
                        numSamples + " samples of " + channels + "x" + height + "x" + width
                                + " do not fit in one array");
            }
            return generate();
        }

        private ImageDataset generate() {
            int sampleSize = channels * height * width;
            Random rng = new Random(seed);
            float[][] prototypes = new float[numClasses][sampleSize];
            for (int k = 0; k < numClasses; k++) {
                float level = -1f + 2f * k / (numClasses - 1);
                for (int i = 0; i < sampleSize; i++) {
                    prototypes[k][i] = (float) rng.nextGaussian() + level;
                }
            }
            float[] pixels = new float[numSamples * sampleSize];
            int[] labels = new int[numSamples];
            for (int s = 0; s < numSamples; s++) {
                int k = s % numClasses;
                labels[s] = k;
                float[] prototype = prototypes[k];
                int offset = s * sampleSize;
                for (int i = 0; i < sampleSize; i++) {
                    pixels[offset + i] = prototype[i] + noise * (float) rng.nextGaussian();
                }
            }
            String name = "synthetic-" + numClasses + "x" + channels + "x" + height + "x" + width
                    + "-seed" + seed;
            return new ImageDataset(name, pixels, labels, channels, height, width, numClasses);
        }
    }
}
