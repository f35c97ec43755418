package org.prune4j.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A labelled image data set held fully in memory.
 *
 * <p>Pixels are stored as one flat float array in N x C x H x W row-major order, which lets a
 * sample be copied with a single {@link System#arraycopy}. The constructor takes ownership of the
 * arrays without copying (data sets can be hundreds of megabytes); callers must not modify them
 * afterwards. All accessors are read-only, so instances can be shared between threads.
 */
public final class ImageDataset {

    private final String name;
    private final float[] pixels;
    private final int[] labels;
    private final int channels;
    private final int height;
    private final int width;
    private final int numClasses;
    private final int[] attributes;

    /** A data set without a protected attribute. */
    public ImageDataset(String name, float[] pixels, int[] labels, int channels, int height, int width,
            int numClasses) {
        this(name, pixels, labels, channels, height, width, numClasses, null);
    }

    /**
     * Creates a data set.
     *
     * @param name a human readable name, used in logs and reports
     * @param pixels N x C x H x W values, row-major
     * @param labels N class indices, each in [0, numClasses)
     * @param channels C
     * @param height H
     * @param width W
     * @param numClasses number of classes
     * @param attributes null, or N values >= 0 of a protected attribute (a group) per sample, for
     *     fairness metrics
     * @throws IllegalArgumentException if a dimension is not positive, the lengths disagree, or a
     *     label is out of range
     */
    public ImageDataset(
            String name,
            float[] pixels,
            int[] labels,
            int channels,
            int height,
            int width,
            int numClasses,
            int[] attributes) {
        this.name = Objects.requireNonNull(name, "name");
        this.pixels = Objects.requireNonNull(pixels, "pixels");
        this.labels = Objects.requireNonNull(labels, "labels");
        requirePositive("channels", channels);
        requirePositive("height", height);
        requirePositive("width", width);
        requirePositive("numClasses", numClasses);
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.numClasses = numClasses;
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(
                    "pixels.length is " + pixels.length + " but " + labels.length + " labels x "
                            + channels + "x" + height + "x" + width + " need " + expected);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(
                        "label " + labels[i] + " at index " + i + " is outside [0, " + numClasses + ")");
            }
        }
        if (attributes != null) {
            if (attributes.length != labels.length) {
                throw new IllegalArgumentException(attributes.length + " protected attributes for " + labels.length
                        + " samples");
            }
            for (int i = 0; i < attributes.length; i++) {
                if (attributes[i] < 0) {
                    throw new IllegalArgumentException("protected attribute " + attributes[i] + " at index " + i
                            + " is negative");
                }
            }
        }
        this.attributes = attributes;
    }

    /** Whether the samples carry a protected attribute. */
    public boolean hasAttributes() {
        return attributes != null;
    }

    /** The protected attribute (group) of sample {@code i}; only when {@link #hasAttributes()}. */
    public int attribute(int i) {
        if (attributes == null) {
            throw new IllegalStateException("data set " + name + " has no protected attribute");
        }
        return attributes[i];
    }

    private static void requirePositive(String what, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be > 0 but was " + value);
        }
    }

    public String name() {
        return name;
    }

    /** Number of samples N. */
    public int size() {
        return labels.length;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int numClasses() {
        return numClasses;
    }

    /** Number of floats in one sample: C * H * W. */
    public int sampleSize() {
        return channels * height * width;
    }

    /** The class index of sample {@code i}. */
    public int label(int i) {
        Objects.checkIndex(i, labels.length);
        return labels[i];
    }

    /** Copies sample {@code i} (C x H x W values) into {@code dst} starting at index 0. */
    public void copySample(int i, float[] dst) {
        copySample(i, dst, 0);
    }

    /** Copies sample {@code i} (C x H x W values) into {@code dst} starting at {@code dstOffset}. */
    public void copySample(int i, float[] dst, int dstOffset) {
        Objects.checkIndex(i, labels.length);
        int n = sampleSize();
        System.arraycopy(pixels, i * n, dst, dstOffset, n);
    }

    /** Per-class sample counts, indexed by class. */
    public int[] classCounts() {
        int[] counts = new int[numClasses];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /** Mean of every pixel value of every sample (all channels together); 0 for an empty set. */
    public double meanPixel() {
        double sum = 0;
        for (float p : pixels) {
            sum += p;
        }
        return pixels.length == 0 ? 0 : sum / pixels.length;
    }

    /** The same samples (labels, attributes) with other pixels, e.g. corrupted ones; takes ownership of them. */
    public ImageDataset withPixels(String newName, float[] newPixels) {
        return new ImageDataset(newName, newPixels, labels, channels, height, width, numClasses, attributes);
    }

    /**
     * Returns a copy of samples {@code [from, to)}; its name is this name suffixed with
     * {@code [from:to]}.
     */
    public ImageDataset slice(int from, int to) {
        Objects.checkFromToIndex(from, to, labels.length);
        int n = sampleSize();
        return new ImageDataset(
                name + "[" + from + ":" + to + "]",
                Arrays.copyOfRange(pixels, from * n, to * n),
                Arrays.copyOfRange(labels, from, to),
                channels,
                height,
                width,
                numClasses,
                attributes == null ? null : Arrays.copyOfRange(attributes, from, to));
    }

    @Override
    public String toString() {
        return name + " (" + size() + " x " + channels + "x" + height + "x" + width + ", "
                + numClasses + " classes)";
    }
}
