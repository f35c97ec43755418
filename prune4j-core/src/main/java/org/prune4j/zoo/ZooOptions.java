package org.prune4j.zoo;

import ai.djl.ndarray.types.Shape;

/**
 * What a zoo architecture is built for: input channels, square image size, class count, and a
 * width multiplier applied to every hidden layer's channel or neuron count.
 */
public record ZooOptions(int inputChannels, int imageSize, int numClasses, double widthMultiplier) {

    public ZooOptions {
        if (inputChannels <= 0 || imageSize <= 0 || numClasses < 2) {
            throw new IllegalArgumentException("need input channels > 0, image size > 0 and at least "
                    + "2 classes, got " + inputChannels + ", " + imageSize + ", " + numClasses);
        }
        if (!(widthMultiplier > 0)) {
            throw new IllegalArgumentException("width multiplier must be positive, got " + widthMultiplier);
        }
    }

    /** Fashion-MNIST: one 28×28 channel, 10 classes, full width. */
    public static ZooOptions fashionMnist() {
        return new ZooOptions(1, 28, 10, 1.0);
    }

    public ZooOptions withWidth(double multiplier) {
        return new ZooOptions(inputChannels, imageSize, numClasses, multiplier);
    }

    public Shape inputShape() {
        return new Shape(inputChannels, imageSize, imageSize);
    }

    /** {@code channels} scaled by the width multiplier, at least 1. */
    public int scale(int channels) {
        return Math.max(1, (int) Math.round(channels * widthMultiplier));
    }

    /** {@code channels} scaled and rounded to a multiple of {@code divisor} (MobileNet style). */
    public int scaleDivisible(int channels, int divisor) {
        double scaled = channels * widthMultiplier;
        int rounded = Math.max(divisor, (int) (scaled + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * scaled ? rounded + divisor : rounded;
    }
}
