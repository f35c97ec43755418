package org.prune4j.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.prune4j.engine.Engines;

import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * One mini-batch on the Java heap: {@code size} samples of C x H x W floats and their labels.
 *
 * <p>The batch owns its arrays (the {@link DataLoader} never reuses them), so it may be kept, e.g.
 * for evaluation, after the loader has moved on. Arrays may be longer than needed; only the first
 * {@code size} samples count.
 */
public final class Batch {

    private final float[] images;
    private final int[] labels;
    private final int size;
    private final int channels;
    private final int height;
    private final int width;

    /**
     * @param images at least size x C x H x W values, row-major
     * @param labels at least {@code size} class indices
     */
    public Batch(float[] images, int[] labels, int size, int channels, int height, int width) {
        this.images = Objects.requireNonNull(images, "images");
        this.labels = Objects.requireNonNull(labels, "labels");
        if (size <= 0 || channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "batch size and sample shape must be > 0, got size=" + size + " shape="
                            + channels + "x" + height + "x" + width);
        }
        long needed = (long) size * channels * height * width;
        if (images.length < needed || labels.length < size) {
            throw new IllegalArgumentException(
                    "a batch of " + size + " samples of " + channels + "x" + height + "x" + width + " needs "
                            + needed + " image values and " + size + " labels, got " + images.length
                            + " and " + labels.length);
        }
        this.size = size;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /** The backing pixel array (not copied): size x C x H x W values, row-major. */
    public float[] images() {
        return images;
    }

    /** The backing label array (not copied). */
    public int[] labels() {
        return labels;
    }

    public int size() {
        return size;
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

    /**
     * Copies the batch into {@code manager}: element 0 is a float32 (size, C, H, W) array of
     * images, element 1 an int64 (size) array of labels. The arrays are owned by {@code manager}.
     */
    public NDList toNDList(NDManager manager) {
        Shape shape = new Shape(size, channels, height, width);
        NDArray x = Engines.create(manager, FloatBuffer.wrap(images, 0, size * channels * height * width), shape);
        long[] y = new long[size];
        for (int i = 0; i < size; i++) {
            y[i] = labels[i];
        }
        return new NDList(x, Engines.create(manager, y));
    }

    @Override
    public String toString() {
        return "Batch(" + size + " x " + channels + "x" + height + "x" + width + ")";
    }
}
