package org.prune4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageDatasetTest {

    private static ImageDataset fourSamplesOf2x1x2() {
        float[] pixels = new float[4 * 4];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = i;
        }
        return new ImageDataset("d", pixels, new int[] {0, 1, 2, 1}, 2, 1, 2, 3);
    }

    @Test
    void copySampleCopiesExactlyOneChwBlock() {
        ImageDataset data = fourSamplesOf2x1x2();
        float[] dst = new float[6];

        data.copySample(2, dst, 1);

        assertThat(data.sampleSize()).isEqualTo(4);
        assertThat(dst).containsExactly(0, 8, 9, 10, 11, 0);
    }

    @Test
    void sliceIsAnIndependentCopyWithSuffixedName() {
        ImageDataset data = fourSamplesOf2x1x2();

        ImageDataset slice = data.slice(1, 3);

        assertThat(slice.name()).isEqualTo("d[1:3]");
        assertThat(slice.size()).isEqualTo(2);
        assertThat(new int[] {slice.label(0), slice.label(1)}).containsExactly(1, 2);
        float[] first = new float[4];
        slice.copySample(0, first);
        assertThat(first).containsExactly(4, 5, 6, 7);
        assertThat(slice.classCounts()).containsExactly(0, 1, 1);
    }

    @Test
    void pixelCountMustMatchLabelsTimesSampleSize() {
        assertThatThrownBy(() -> new ImageDataset("d", new float[7], new int[2], 1, 2, 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("7")
                .hasMessageContaining("8");
    }

    @Test
    void labelsOutsideClassRangeAreRejected() {
        assertThatThrownBy(() -> new ImageDataset("d", new float[2], new int[] {0, 2}, 1, 1, 1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label 2 at index 1");
    }

    @Test
    void outOfRangeSampleIndexIsRejected() {
        ImageDataset data = fourSamplesOf2x1x2();

        assertThatThrownBy(() -> data.label(4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> data.slice(3, 5)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
