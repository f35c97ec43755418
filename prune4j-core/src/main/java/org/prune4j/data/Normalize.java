package org.prune4j.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.Random;

/** Per-channel standardisation: {@code x = (x - mean[c]) / std[c]}. Uses no randomness. */
public final class Normalize implements SampleTransform {

    private final float[] mean;
    private final float[] invStd;

    /**
     * @param mean one value per channel
     * @param std one value per channel, each finite and > 0
     */
    public Normalize(float[] mean, float[] std) {
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(std, "std");
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException(
                    "mean and std need one value per channel and the same length, got mean.length="
                            + mean.length + " and std.length=" + std.length);
        }
        this.mean = mean.clone();
        this.invStd = new float[std.length];
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || Float.isInfinite(std[c])) {
                throw new IllegalArgumentException("std[" + c + "] must be finite and > 0 but was " + std[c]);
            }
            invStd[c] = 1f / std[c];
        }
    }

    /** The per-channel means subtracted. */
    public float[] mean() {
        return mean.clone();
    }

    /** The per-channel standard deviations divided by. */
    public float[] std() {
        float[] std = new float[invStd.length];
        for (int c = 0; c < std.length; c++) {
            std[c] = 1 / invStd[c];
        }
        return std;
    }

    @Override
    public void apply(float[] chw, int channels, int height, int width, Random rng) {
        if (channels != mean.length) {
            throw new IllegalArgumentException(
                    "Normalize was built for " + mean.length + " channel(s) (mean=" + Arrays.toString(mean)
                            + ") but the sample has " + channels + " channels");
        }
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            float m = mean[c];
            float s = invStd[c];
            int end = (c + 1) * plane;
            for (int i = c * plane; i < end; i++) {
                chw[i] = (chw[i] - m) * s;
            }
        }
    }

    @Override
    public String toString() {
        float[] std = new float[invStd.length];
        for (int c = 0; c < std.length; c++) {
            std[c] = 1f / invStd[c];
        }
        return "Normalize(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
    }
}
