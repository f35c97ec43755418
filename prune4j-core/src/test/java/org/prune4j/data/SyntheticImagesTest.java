package org.prune4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SyntheticImagesTest {

    private static ImageDataset make(long seed) {
        return SyntheticImages.builder()
                .setNumSamples(200).setShape(2, 5, 5).setNumClasses(4).optSeed(seed).build();
    }

    private static float[] allPixels(ImageDataset data) {
        float[] all = new float[data.size() * data.sampleSize()];
        for (int i = 0; i < data.size(); i++) {
            data.copySample(i, all, i * data.sampleSize());
        }
        return all;
    }

    @Test
    void sameSeedGivesIdenticalDataAndOtherSeedDiffers() {
        ImageDataset a = make(42);
        ImageDataset b = make(42);
        ImageDataset c = make(43);

        assertThat(allPixels(a)).containsExactly(allPixels(b));
        assertThat(allPixels(a)).isNotEqualTo(allPixels(c));
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.label(i)).isEqualTo(b.label(i));
        }
    }

    @Test
    void hasRequestedShapeAndBalancedClasses() {
        ImageDataset data = make(1);

        assertThat(data.size()).isEqualTo(200);
        assertThat(new int[] {data.channels(), data.height(), data.width()}).containsExactly(2, 5, 5);
        assertThat(data.classCounts()).containsExactly(50, 50, 50, 50);
    }

    @Test
    void classesAreSeparableByNearestClassMeanAtDefaultNoise() {
        ImageDataset train = SyntheticImages.builder()
                .setNumSamples(400).setShape(1, 6, 6).setNumClasses(10).optSeed(5).build();
        int d = train.sampleSize();
        double[][] means = new double[10][d];
        float[] x = new float[d];
        for (int i = 0; i < train.size(); i++) {
            train.copySample(i, x);
            for (int p = 0; p < d; p++) {
                means[train.label(i)][p] += x[p] / 40.0;
            }
        }
        int correct = 0;
        for (int i = 0; i < train.size(); i++) {
            train.copySample(i, x);
            int best = -1;
            double bestDist = Double.MAX_VALUE;
            for (int k = 0; k < 10; k++) {
                double dist = 0;
                for (int p = 0; p < d; p++) {
                    dist += (x[p] - means[k][p]) * (x[p] - means[k][p]);
                }
                if (dist < bestDist) {
                    bestDist = dist;
                    best = k;
                }
            }
            if (best == train.label(i)) {
                correct++;
            }
        }
        assertThat(correct).isEqualTo(train.size());
    }

    @Test
    void missingRequiredSettingsAreNamed() {
        assertThatThrownBy(() -> SyntheticImages.builder().setShape(1, 2, 2).setNumClasses(2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("numSamples");
        assertThatThrownBy(() -> SyntheticImages.builder().setNumSamples(4).setNumClasses(2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shape");
        assertThatThrownBy(() -> SyntheticImages.builder().setNumSamples(4).setShape(1, 2, 2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("numClasses");
        assertThatThrownBy(() -> SyntheticImages.builder()
                        .setNumSamples(4).setShape(1, 2, 2).setNumClasses(2).optNoise(-1f).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("noise");
    }
}
