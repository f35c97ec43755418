package org.prune4j.graph.ops;

import ai.djl.ndarray.types.Shape;

import java.util.List;

/** Shared input checks for ops; messages say what was expected. */
final class ShapeChecks {

    private ShapeChecks() {}

    static Shape image(List<Shape> inputs) {
        Shape s = inputs.get(0);
        if (s.dimension() != 3) {
            throw new IllegalArgumentException("expected an image input (C, H, W), got " + s);
        }
        return s;
    }

    /** Attention's q, k and v: images of one shape, which is returned; {@code layout} names it in the error. */
    static Shape queryKeyValue(List<Shape> inputs, String layout) {
        Shape q = image(inputs);
        for (Shape s : inputs) {
            if (!s.equals(q)) {
                throw new IllegalArgumentException("q, k and v must have one shape " + layout + ", got " + inputs);
            }
        }
        return q;
    }

    static Shape features(List<Shape> inputs) {
        Shape s = inputs.get(0);
        if (s.dimension() != 1) {
            throw new IllegalArgumentException(
                    "expected a feature input (F), got " + s + "; add a flatten node before it");
        }
        return s;
    }

    static void positive(String what, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
    }

    static void nonNegative(String what, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must be zero or more, got " + value);
        }
    }

    /** Output length of a sliding window, as PyTorch computes it (floor mode). */
    static long windowOutput(String axis, long in, int kernel, int stride, int pad, int dilation) {
        long out = Math.floorDiv(in + 2L * pad - (long) dilation * (kernel - 1) - 1, stride) + 1;
        if (out <= 0) {
            throw new IllegalArgumentException(
                    axis + " size " + in + " is too small for kernel " + kernel + ", stride "
                            + stride + ", padding " + pad + ", dilation " + dilation);
        }
        return out;
    }
}
