package org.prune4j.data;

import java.util.Random;

/**
 * Changes one sample in place, e.g. for normalisation or data augmentation.
 *
 * <p>Implementations must draw all randomness from {@code rng} (never from a shared or global
 * source) so that a fixed seed reproduces the same augmented data, and must keep the C x H x W
 * shape. They are called once per sample, so the per-pixel work belongs in plain loops inside
 * {@code apply}.
 */
@FunctionalInterface
public interface SampleTransform {

    /**
     * Transforms the sample in place.
     *
     * @param chw the sample, C x H x W values, row-major (exactly {@code channels*height*width} long
     *     or longer; only that prefix is touched)
     * @param channels C
     * @param height H
     * @param width W
     * @param rng the only source of randomness allowed
     */
    void apply(float[] chw, int channels, int height, int width, Random rng);
}
