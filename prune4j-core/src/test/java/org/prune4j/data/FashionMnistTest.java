package org.prune4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @TempDir Path dir;

    @Test
    void missingDirectoryExplainsHowToInstall() {
        Path nowhere = dir.resolve("not-installed");

        assertThatThrownBy(() -> FashionMnist.load(nowhere, FashionMnist.Split.TEST))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("not-installed")
                .hasMessageContaining("t10k-images-idx3-ubyte")
                .hasMessageContaining("apt-get install -y dataset-fashion-mnist");
    }

    @Test
    void missingLabelFileIsNamed() throws IOException {
        TestFiles.write(dir.resolve("train-images-idx3-ubyte.gz"),
                TestFiles.idxImages(IdxReader.IMAGES_MAGIC, 1, 28, 28, new byte[784]), true);

        assertThatThrownBy(() -> FashionMnist.load(dir, FashionMnist.Split.TRAIN))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("train-labels-idx1-ubyte")
                .hasMessageContaining("apt-get install -y dataset-fashion-mnist");
    }

    @Test
    void acceptsUncompressedFilesWithoutGzSuffix() throws IOException {
        TestFiles.write(dir.resolve("t10k-images-idx3-ubyte"),
                TestFiles.idxImages(IdxReader.IMAGES_MAGIC, 2, 28, 28, TestFiles.pattern(2 * 784, 5)), false);
        TestFiles.write(dir.resolve("t10k-labels-idx1-ubyte"),
                TestFiles.idxLabels(IdxReader.LABELS_MAGIC, 2, new byte[] {4, 8}), false);

        ImageDataset data = FashionMnist.load(dir, FashionMnist.Split.TEST);

        assertThat(data.name()).isEqualTo("fashion-mnist-test");
        assertThat(data.size()).isEqualTo(2);
        assertThat(data.label(1)).isEqualTo(8);
    }

    @Test
    void realTestSplitHasTenThousandBalancedImagesWithKnownMean() {
        Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR),
                "Fashion-MNIST not installed at " + FashionMnist.DEFAULT_DIR);

        ImageDataset test = FashionMnist.load(FashionMnist.Split.TEST);

        assertThat(test.size()).isEqualTo(10_000);
        assertThat(new int[] {test.channels(), test.height(), test.width()}).containsExactly(1, 28, 28);
        assertThat(test.numClasses()).isEqualTo(10);
        assertThat(test.classCounts()).containsOnly(1_000);
        assertThat(test.meanPixel()).isCloseTo(FashionMnist.MEAN[0], within(0.005));
    }

    @Test
    void realTrainSplitLoadsQuickly() {
        Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR),
                "Fashion-MNIST not installed at " + FashionMnist.DEFAULT_DIR);

        long start = System.nanoTime();
        ImageDataset train = FashionMnist.load(FashionMnist.Split.TRAIN);
        double seconds = (System.nanoTime() - start) / 1e9;

        assertThat(train.size()).isEqualTo(60_000);
        assertThat(train.classCounts()).containsOnly(6_000);
        assertThat(train.meanPixel()).isCloseTo(FashionMnist.MEAN[0], within(0.001));
        assertThat(pixelStd(train)).isCloseTo(FashionMnist.STD[0], within(0.001));
        // Generous bound for a shared 2-core machine; a byte-at-a-time reader takes far longer.
        assertThat(seconds).isLessThan(5.0);
    }

    private static double pixelStd(ImageDataset data) {
        double mean = data.meanPixel();
        float[] sample = new float[data.sampleSize()];
        double sumSq = 0;
        for (int i = 0; i < data.size(); i++) {
            data.copySample(i, sample);
            for (float p : sample) {
                sumSq += (p - mean) * (p - mean);
            }
        }
        return Math.sqrt(sumSq / ((double) data.size() * sample.length));
    }
}
