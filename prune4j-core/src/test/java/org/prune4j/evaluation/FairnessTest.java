package org.prune4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.prune4j.data.ImageDataset;
import org.prune4j.data.ProtectedMarker;
import org.prune4j.data.SyntheticImages;

class FairnessTest {

    @Test
    void aPredictorThatDecidesByTheAttributeHasTheLargestGaps() {
        // attribute independent of the label; the predictor says class 1 exactly for group 1
        int n = 400;
        int[] labels = new int[n];
        int[] groups = new int[n];
        float[] p = new float[n * 2];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            groups[i] = (i / 2) % 2;
            p[2 * i + groups[i]] = 1f;
        }
        Fairness f = Fairness.of(new Predictions(p, labels, 2), data(labels, groups));
        assertThat(f.demographicParityDifference()).isEqualTo(1.0);
        assertThat(f.equalizedOddsDifference()).isEqualTo(1.0);
        assertThat(f.groupAccuracy()).containsExactly(0.5, 0.5);
        assertThat(f.groupSize()).containsExactly(200, 200);
    }

    @Test
    void aPredictorThatIgnoresTheAttributeHasNoGapsWhereTheAttributeIsIndependent() {
        int n = 600; // whole blocks of six: three classes in each group
        int[] labels = new int[n];
        int[] groups = new int[n];
        float[] p = new float[n * 3];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            groups[i] = (i / 3) % 2;
            // wrong (class + 1) on every fifth pair of examples, right elsewhere: the same in both groups
            int predicted = (i / 6) % 5 == 0 ? (labels[i] + 1) % 3 : labels[i];
            p[3 * i + predicted] = 1f;
        }
        Fairness f = Fairness.of(new Predictions(p, labels, 3), data(labels, groups));
        assertThat(f.demographicParityDifference()).isCloseTo(0, within(1e-12));
        assertThat(f.equalizedOddsDifference()).isCloseTo(0, within(1e-12));
        assertThat(f.groupAccuracy()[0]).isCloseTo(f.groupAccuracy()[1], within(1e-12));
    }

    @Test
    void theMarkerCorrelatesWithTheClassesInTrainingAndNotInTesting() {
        ImageDataset images = SyntheticImages.builder().setNumSamples(4000).setShape(1, 12, 12).setNumClasses(4)
                .optSeed(1).build();
        ImageDataset train = ProtectedMarker.apply(images, true, 0.9, 7);
        ImageDataset test = ProtectedMarker.apply(images, false, 0.9, 7);
        assertThat(share(train, true)).isCloseTo(0.9, within(0.03));
        assertThat(share(train, false)).isCloseTo(0.1, within(0.03));
        assertThat(share(test, true)).isCloseTo(0.5, within(0.04));
        assertThat(share(test, false)).isCloseTo(0.5, within(0.04));
        float[] x = new float[train.sampleSize()];
        for (int i = 0; i < 50; i++) {
            train.copySample(i, x);
            assertThat(x[12 + 1] == 1f && x[4 * 12 + 4] == 1f).as("marked iff group 1").isEqualTo(train.attribute(i) == 1);
        }
        assertThat(ProtectedMarker.apply(images, true, 0.9, 7).attribute(123)).isEqualTo(train.attribute(123));
        assertThat(train.slice(100, 200).attribute(5)).isEqualTo(train.attribute(105));
    }

    /** The marked share among the first half of the classes (or the second). */
    private static double share(ImageDataset d, boolean firstHalf) {
        int marked = 0;
        int total = 0;
        for (int i = 0; i < d.size(); i++) {
            if ((d.label(i) < d.numClasses() / 2) == firstHalf) {
                total++;
                marked += d.attribute(i);
            }
        }
        return marked / (double) total;
    }

    private static ImageDataset data(int[] labels, int[] groups) {
        int classes = java.util.Arrays.stream(labels).max().orElse(0) + 1;
        return new ImageDataset("grouped", new float[labels.length], labels, 1, 1, 1, Math.max(2, classes), groups);
    }
}
