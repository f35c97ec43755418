package org.prune4j.data;

import java.util.Arrays;
import java.util.Random;

/**
 * Zero-pads each side by {@code padding} pixels, then crops a random H x W window, like
 * torchvision's {@code RandomCrop(size, padding=padding)}. The net effect is a random shift of up to
 * {@code padding} pixels in each direction with zeros shifted in.
 *
 * <p>Draws {@code rng.nextInt(2 * padding + 1)} twice per sample: first the crop's top offset, then
 * its left offset in the padded image. Works in place without allocating.
 */
public final class RandomCropWithPadding implements SampleTransform {

    private final int padding;

    /** @param padding zero padding per side, >= 0 (0 makes this a no-op) */
    public RandomCropWithPadding(int padding) {
        if (padding < 0) {
            throw new IllegalArgumentException("padding must be >= 0 but was " + padding);
        }
        this.padding = padding;
    }

    public int padding() {
        return padding;
    }

    @Override
    public void apply(float[] chw, int channels, int height, int width, Random rng) {
        int top = rng.nextInt(2 * padding + 1);
        int left = rng.nextInt(2 * padding + 1);
        shift(chw, channels, height, width, top - padding, left - padding);
    }

    /**
     * Moves content so that {@code out(y, x) = in(y + dy, x + dx)}, with zeros where the source is
     * outside the image.
     */
    static void shift(float[] chw, int channels, int height, int width, int dy, int dx) {
        if (dy == 0 && dx == 0) {
            return;
        }
        int plane = height * width;
        // Columns [xFrom, xTo) of an output row come from the source row; the rest is zero.
        int xFrom = Math.max(0, -dx);
        int xTo = Math.min(width, width - dx);
        for (int c = 0; c < channels; c++) {
            int base = c * plane;
            // Walk rows in the direction that reads each source row before it is overwritten.
            if (dy >= 0) {
                for (int y = 0; y < height; y++) {
                    shiftRow(chw, base, width, height, y, dy, dx, xFrom, xTo);
                }
            } else {
                for (int y = height - 1; y >= 0; y--) {
                    shiftRow(chw, base, width, height, y, dy, dx, xFrom, xTo);
                }
            }
        }
    }

    private static void shiftRow(
            float[] chw, int base, int width, int height, int y, int dy, int dx, int xFrom, int xTo) {
        int row = base + y * width;
        int srcY = y + dy;
        if (srcY < 0 || srcY >= height || xFrom >= xTo) {
            Arrays.fill(chw, row, row + width, 0f);
            return;
        }
        // arraycopy behaves as if through a temporary buffer, so overlap within a row is safe.
        System.arraycopy(chw, base + srcY * width + xFrom + dx, chw, row + xFrom, xTo - xFrom);
        Arrays.fill(chw, row, row + xFrom, 0f);
        Arrays.fill(chw, row + xTo, row + width, 0f);
    }

    @Override
    public String toString() {
        return "RandomCropWithPadding(" + padding + ")";
    }
}
