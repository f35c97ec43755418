package org.prune4j.data;

import java.util.Random;

/**
 * Makes a fairness benchmark out of an image data set: a protected attribute that is visible, a
 * bright square in the top-left corner marking group 1. In a training split the marker
 * correlates with the class — group 1 holds {@code correlation} of the first half of the
 * classes' images and 1 − {@code correlation} of the others' — while in a test split it is
 * independent of the class (each image marked with probability 1/2). A model that learns the
 * marker as a shortcut decides by the attribute: its test predictions differ between the groups
 * (demographic parity and equalized odds differences), and it loses accuracy where the shortcut
 * misleads. {@code fashion-mnist-biased} is Fashion-MNIST marked this way with correlation 0.9.
 */
public final class ProtectedMarker {

    public static final double DEFAULT_CORRELATION = 0.9;
    private static final int SIZE = 4;

    private ProtectedMarker() {}

    /**
     * A marked copy of {@code data} with the group of each sample as its protected attribute;
     * deterministic from {@code seed} and the sample's index.
     */
    public static ImageDataset apply(ImageDataset data, boolean correlated, double correlation, long seed) {
        if (!(correlation >= 0 && correlation <= 1)) {
            throw new IllegalArgumentException("correlation must be in [0, 1] but was " + correlation);
        }
        int n = data.size();
        int size = data.sampleSize();
        int plane = data.height() * data.width();
        float[] pixels = new float[n * size];
        int[] labels = new int[n];
        int[] groups = new int[n];
        float[] sample = new float[size];
        for (int i = 0; i < n; i++) {
            data.copySample(i, sample);
            labels[i] = data.label(i);
            double marked = !correlated ? 0.5
                    : labels[i] < data.numClasses() / 2 ? correlation : 1 - correlation;
            groups[i] = new Random(DataLoader.transformSeed(seed, 0, i)).nextDouble() < marked ? 1 : 0;
            if (groups[i] == 1) {
                for (int c = 0; c < data.channels(); c++) {
                    for (int y = 1; y <= SIZE; y++) {
                        for (int x = 1; x <= SIZE; x++) {
                            sample[c * plane + y * data.width() + x] = 1f;
                        }
                    }
                }
            }
            System.arraycopy(sample, 0, pixels, i * size, size);
        }
        return new ImageDataset(data.name() + "-marked", pixels, labels, data.channels(), data.height(), data.width(),
                data.numClasses(), groups);
    }
}
