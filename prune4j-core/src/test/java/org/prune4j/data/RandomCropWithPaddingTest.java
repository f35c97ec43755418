package org.prune4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RandomCropWithPaddingTest {

    /** 2 channels of 3x4, values 1..24 so every position is distinguishable from padding. */
    private static float[] ramp() {
        float[] x = new float[2 * 3 * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
        }
        return x;
    }

    @Test
    void cropAtTopLeftCornerOfPaddedImageShiftsContentDownRight() {
        float[] x = ramp();
        // Offsets (top=0, left=0) in the 2-padded image: content moves 2 down and 2 right.
        new RandomCropWithPadding(2).apply(x, 2, 3, 4, new ScriptedRandom(0, 0));

        assertThat(x).containsExactly(
                0, 0, 0, 0,
                0, 0, 0, 0,
                0, 0, 1, 2,
                0, 0, 0, 0,
                0, 0, 0, 0,
                0, 0, 13, 14);
    }

    @Test
    void cropBelowCentreShiftsContentUpAndLeft() {
        float[] x = ramp();
        // padding 1, offsets (top=2, left=2): output (y, x) takes input (y+1, x+1).
        new RandomCropWithPadding(1).apply(x, 2, 3, 4, new ScriptedRandom(2, 2));

        assertThat(x).containsExactly(
                6, 7, 8, 0,
                10, 11, 12, 0,
                0, 0, 0, 0,
                18, 19, 20, 0,
                22, 23, 24, 0,
                0, 0, 0, 0);
    }

    @Test
    void centredCropLeavesSampleUnchanged() {
        float[] x = ramp();
        new RandomCropWithPadding(3).apply(x, 2, 3, 4, new ScriptedRandom(3, 3));

        assertThat(x).containsExactly(ramp());
    }

    @Test
    void randomCropsKeepShapeAndOnlyShiftValuesWithinPadding() {
        Random rng = new Random(1);
        RandomCropWithPadding crop = new RandomCropWithPadding(1);
        for (int trial = 0; trial < 50; trial++) {
            float[] x = ramp();
            crop.apply(x, 2, 3, 4, rng);
            assertThat(x).hasSize(24);
            for (int i = 0; i < x.length; i++) {
                if (x[i] != 0) {
                    int original = (int) x[i] - 1;
                    int c = i / 12;
                    int y = (i % 12) / 4;
                    int xPos = i % 4;
                    assertThat(original / 12).as("channel").isEqualTo(c);
                    assertThat(Math.abs((original % 12) / 4 - y)).as("row shift").isLessThanOrEqualTo(1);
                    assertThat(Math.abs(original % 4 - xPos)).as("column shift").isLessThanOrEqualTo(1);
                }
            }
        }
    }

    @Test
    void paddingLargerThanImageGivesAllZerosAtExtremeOffsets() {
        float[] x = ramp();
        new RandomCropWithPadding(5).apply(x, 2, 3, 4, new ScriptedRandom(0, 10));

        assertThat(x).containsOnly(0f);
    }

    @Test
    void negativePaddingIsRejected() {
        assertThatThrownBy(() -> new RandomCropWithPadding(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }
}
