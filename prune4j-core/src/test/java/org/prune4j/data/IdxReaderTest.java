package org.prune4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {

    private static final int COUNT = 5;
    private static final int ROWS = 3;
    private static final int COLS = 4;

    @TempDir Path dir;

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void roundTripRestoresPixelsScaledToUnitRangeAndLabels(boolean gzip) throws IOException {
        byte[] pixels = TestFiles.pattern(COUNT * ROWS * COLS, 1);
        byte[] labels = {0, 9, 3, 3, 7};
        // Deliberately misleading names: gzip must be detected from the content.
        Path images = TestFiles.write(dir.resolve("images.bin"),
                TestFiles.idxImages(IdxReader.IMAGES_MAGIC, COUNT, ROWS, COLS, pixels), gzip);
        Path labelFile = TestFiles.write(dir.resolve("labels.bin"),
                TestFiles.idxLabels(IdxReader.LABELS_MAGIC, COUNT, labels), gzip);

        ImageDataset data = IdxReader.read("tiny", images, labelFile, 10);

        assertThat(data.name()).isEqualTo("tiny");
        assertThat(data.size()).isEqualTo(COUNT);
        assertThat(new int[] {data.channels(), data.height(), data.width()}).containsExactly(1, ROWS, COLS);
        assertThat(data.numClasses()).isEqualTo(10);
        float[] sample = new float[data.sampleSize()];
        for (int i = 0; i < COUNT; i++) {
            assertThat(data.label(i)).isEqualTo(labels[i]);
            data.copySample(i, sample);
            float[] expected = new float[sample.length];
            for (int p = 0; p < expected.length; p++) {
                expected[p] = (pixels[i * sample.length + p] & 0xFF) / 255f;
            }
            assertThat(sample).containsExactly(expected);
        }
    }

    @Test
    void pixelBytesZeroAnd255MapToZeroAndOne() throws IOException {
        byte[] pixels = new byte[ROWS * COLS];
        pixels[1] = (byte) 255;
        ImageDataset data = IdxReader.read("x",
                TestFiles.write(dir.resolve("i"), TestFiles.idxImages(IdxReader.IMAGES_MAGIC, 1, ROWS, COLS, pixels), false),
                TestFiles.write(dir.resolve("l"), TestFiles.idxLabels(IdxReader.LABELS_MAGIC, 1, new byte[] {0}), false),
                1);
        float[] sample = new float[ROWS * COLS];
        data.copySample(0, sample);
        assertThat(sample[0]).isEqualTo(0f);
        assertThat(sample[1]).isEqualTo(1f);
    }

    @Test
    void badImageMagicNamesFileFoundAndExpectedValue() throws IOException {
        // A label file passed as the image file: a common mix-up.
        Path images = TestFiles.write(dir.resolve("swapped-images.idx"),
                TestFiles.idxLabels(IdxReader.LABELS_MAGIC, 1, new byte[] {1}), true);
        Path labels = validLabels(1);

        assertThatThrownBy(() -> IdxReader.read("x", images, labels, 10))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("swapped-images.idx")
                .hasMessageContaining("magic")
                .hasMessageContaining("0x00000801")
                .hasMessageContaining("0x00000803");
    }

    @Test
    void badLabelMagicNamesLabelFile() throws IOException {
        Path images = validImages(1);
        Path labels = TestFiles.write(dir.resolve("bad-labels.idx"),
                TestFiles.idxLabels(0x12345678, 1, new byte[] {1}), false);

        assertThatThrownBy(() -> IdxReader.read("x", images, labels, 10))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("bad-labels.idx")
                .hasMessageContaining("magic")
                .hasMessageContaining("0x12345678");
    }

    @Test
    void truncatedPixelDataNamesFileAndExpectedVersusFoundBytes() throws IOException {
        byte[] full = TestFiles.idxImages(IdxReader.IMAGES_MAGIC, COUNT, ROWS, COLS, new byte[COUNT * ROWS * COLS]);
        Path images = TestFiles.write(dir.resolve("cut-images.idx"), Arrays.copyOf(full, full.length - 7), true);

        assertThatThrownBy(() -> IdxReader.read("x", images, validLabels(COUNT), 10))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("cut-images.idx")
                .hasMessageContaining("truncated")
                .hasMessageContaining(String.valueOf(COUNT * ROWS * COLS))
                .hasMessageContaining(String.valueOf(COUNT * ROWS * COLS - 7));
    }

    @Test
    void truncatedHeaderNamesFile() throws IOException {
        byte[] full = TestFiles.idxImages(IdxReader.IMAGES_MAGIC, 1, ROWS, COLS, new byte[0]);
        Path images = TestFiles.write(dir.resolve("short-header.idx"), Arrays.copyOf(full, 9), false);

        assertThatThrownBy(() -> IdxReader.read("x", images, validLabels(1), 10))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("short-header.idx")
                .hasMessageContaining("truncated");
    }

    @Test
    void truncatedLabelsNameFile() throws IOException {
        byte[] full = TestFiles.idxLabels(IdxReader.LABELS_MAGIC, COUNT, new byte[COUNT]);
        Path labels = TestFiles.write(dir.resolve("cut-labels.idx"), Arrays.copyOf(full, full.length - 2), false);

        assertThatThrownBy(() -> IdxReader.read("x", validImages(COUNT), labels, 10))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("cut-labels.idx")
                .hasMessageContaining(COUNT + " labels");
    }

    @Test
    void imageAndLabelCountMismatchNamesBothFilesAndCounts() throws IOException {
        Path images = validImages(4);
        Path labels = validLabels(6);

        assertThatThrownBy(() -> IdxReader.read("x", images, labels, 10))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(images.toString())
                .hasMessageContaining(labels.toString())
                .hasMessageContaining("4 images")
                .hasMessageContaining("6 labels");
    }

    @Test
    void labelOutsideClassRangeIsRejected() throws IOException {
        Path labels = TestFiles.write(dir.resolve("labels-with-12.idx"),
                TestFiles.idxLabels(IdxReader.LABELS_MAGIC, 2, new byte[] {1, 12}), false);

        assertThatThrownBy(() -> IdxReader.read("x", validImages(2), labels, 10))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("labels-with-12.idx")
                .hasMessageContaining("label 12")
                .hasMessageContaining("0..9");
    }

    @Test
    void missingFileIsNamed() throws IOException {
        Path missing = dir.resolve("no-such-images.idx");

        assertThatThrownBy(() -> IdxReader.read("x", missing, validLabels(1), 10))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("no-such-images.idx")
                .hasMessageContaining("not found");
    }

    @Test
    void corruptGzipStreamNamesFile() throws IOException {
        byte[] gz = java.nio.file.Files.readAllBytes(validImages(3));
        byte[] damaged = Arrays.copyOf(gz, 12); // gzip magic intact, deflate data cut short
        Path images = TestFiles.write(dir.resolve("damaged.gz"), damaged, false);

        assertThatThrownBy(() -> IdxReader.read("x", images, validLabels(3), 10))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("damaged.gz");
    }

    private Path validImages(int count) throws IOException {
        return TestFiles.write(dir.resolve("images-" + count + ".idx.gz"),
                TestFiles.idxImages(IdxReader.IMAGES_MAGIC, count, ROWS, COLS, new byte[count * ROWS * COLS]), true);
    }

    private Path validLabels(int count) throws IOException {
        return TestFiles.write(dir.resolve("labels-" + count + ".idx.gz"),
                TestFiles.idxLabels(IdxReader.LABELS_MAGIC, count, new byte[count]), true);
    }
}
