package org.prune4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NormalizeTest {

    @Test
    void usingEachChannelsOwnMeanAndStdGivesZeroMeanUnitStdPerChannel() {
        // Channel c is alternately mean[c] - std[c] and mean[c] + std[c]: true mean and std.
        float[] mean = {0.2f, 5f, -3f};
        float[] std = {0.1f, 2f, 0.5f};
        int plane = 4 * 4;
        float[] x = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                x[c * plane + i] = mean[c] + (i % 2 == 0 ? -std[c] : std[c]);
            }
        }

        new Normalize(mean, std).apply(x, 3, 4, 4, new Random(0));

        for (int c = 0; c < 3; c++) {
            double sum = 0;
            double sumSq = 0;
            for (int i = 0; i < plane; i++) {
                sum += x[c * plane + i];
                sumSq += x[c * plane + i] * x[c * plane + i];
            }
            double m = sum / plane;
            assertThat(m).as("mean of channel %d", c).isCloseTo(0, within(1e-5));
            assertThat(Math.sqrt(sumSq / plane - m * m)).as("std of channel %d", c).isCloseTo(1, within(1e-5));
        }
    }

    @Test
    void constantChannelEqualToMeanBecomesZero() {
        float[] x = {0.7f, 0.7f, 0.7f, 0.7f};
        new Normalize(new float[] {0.7f}, new float[] {0.3f}).apply(x, 1, 2, 2, new Random(0));

        assertThat(x).containsOnly(0f);
    }

    @Test
    void channelCountMismatchAtApplyTimeIsExplained() {
        Normalize grey = new Normalize(FashionMnist.MEAN, FashionMnist.STD);

        assertThatThrownBy(() -> grey.apply(new float[3 * 4], 3, 2, 2, new Random(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 channel")
                .hasMessageContaining("3 channels");
    }

    @Test
    void nonPositiveStdAndLengthMismatchAreRejected() {
        assertThatThrownBy(() -> new Normalize(new float[] {0}, new float[] {0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("std[0]");
        assertThatThrownBy(() -> new Normalize(new float[] {0, 0}, new float[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mean.length=2");
    }

    @Test
    void laterChangesToTheCallersArraysDoNotAffectTheTransform() {
        float[] mean = {1f};
        float[] std = {2f};
        Normalize normalize = new Normalize(mean, std);
        mean[0] = 100f;
        std[0] = 100f;
        float[] x = {3f};

        normalize.apply(x, 1, 1, 1, new Random(0));

        assertThat(x).containsExactly(1f);
    }
}
