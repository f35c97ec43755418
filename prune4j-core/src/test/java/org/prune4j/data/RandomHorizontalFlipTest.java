package org.prune4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RandomHorizontalFlipTest {

    @Test
    void alwaysFlipMirrorsEachRowOfEachChannel() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        new RandomHorizontalFlip(1.0).apply(x, 2, 2, 3, new Random(0));

        assertThat(x).containsExactly(3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10);
    }

    @Test
    void flippingTwiceIsIdentity() {
        float[] original = new float[3 * 5 * 4];
        Random values = new Random(3);
        for (int i = 0; i < original.length; i++) {
            original[i] = values.nextFloat();
        }
        float[] x = original.clone();
        RandomHorizontalFlip flip = new RandomHorizontalFlip(1.0);

        flip.apply(x, 3, 5, 4, new Random(0));
        assertThat(x).isNotEqualTo(original);
        flip.apply(x, 3, 5, 4, new Random(0));

        assertThat(x).containsExactly(original);
    }

    @Test
    void probabilityZeroNeverFlipsAndHalfFlipsAboutHalf() {
        RandomHorizontalFlip never = new RandomHorizontalFlip(0.0);
        RandomHorizontalFlip half = new RandomHorizontalFlip(0.5);
        Random rng = new Random(11);
        int flipped = 0;
        for (int i = 0; i < 1000; i++) {
            float[] a = {1, 2};
            never.apply(a, 1, 1, 2, rng);
            assertThat(a).containsExactly(1, 2);
            float[] b = {1, 2};
            half.apply(b, 1, 1, 2, rng);
            if (b[0] == 2) {
                flipped++;
            }
        }
        assertThat(flipped).isBetween(430, 570);
    }

    @Test
    void probabilityOutsideUnitIntervalIsRejected() {
        assertThatThrownBy(() -> new RandomHorizontalFlip(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.5");
    }
}
