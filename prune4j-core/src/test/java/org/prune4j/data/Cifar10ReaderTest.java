package org.prune4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10ReaderTest {

    @TempDir Path dir;

    @Test
    void readsRecordsFromSeveralFilesInOrderAsRgbPlanes() throws IOException {
        byte[][] pixels = {TestFiles.pattern(3072, 1), TestFiles.pattern(3072, 2), TestFiles.pattern(3072, 3)};
        Path first = TestFiles.write(dir.resolve("data_batch_1.bin"), records(new int[] {3, 9}, pixels[0], pixels[1]), false);
        Path second = TestFiles.write(dir.resolve("data_batch_2.bin"), records(new int[] {0}, pixels[2]), false);

        ImageDataset data = Cifar10Reader.read("cifar-tiny", List.of(first, second));

        assertThat(data.size()).isEqualTo(3);
        assertThat(new int[] {data.channels(), data.height(), data.width()}).containsExactly(3, 32, 32);
        assertThat(data.numClasses()).isEqualTo(10);
        assertThat(new int[] {data.label(0), data.label(1), data.label(2)}).containsExactly(3, 9, 0);
        float[] sample = new float[3072];
        for (int i = 0; i < 3; i++) {
            data.copySample(i, sample);
            for (int p = 0; p < 3072; p++) {
                assertThat(sample[p]).as("sample %d pixel %d", i, p).isEqualTo((pixels[i][p] & 0xFF) / 255f);
            }
        }
        // Layout check: byte 1024 of a record is the first green pixel, i.e. channel 1, row 0, col 0.
        data.copySample(0, sample);
        assertThat(sample[1024]).isEqualTo((pixels[0][1024] & 0xFF) / 255f);
    }

    @Test
    void fileSizeNotAMultipleOfRecordSizeNamesFileAndSize() throws IOException {
        byte[] good = records(new int[] {1}, new byte[3072]);
        Path file = TestFiles.write(dir.resolve("odd.bin"), Arrays.copyOf(good, good.length + 5), false);

        assertThatThrownBy(() -> Cifar10Reader.read("x", List.of(file)))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("odd.bin")
                .hasMessageContaining(String.valueOf(3073 + 5))
                .hasMessageContaining("3073");
    }

    @Test
    void labelAboveNineIsRejected() throws IOException {
        Path file = TestFiles.write(dir.resolve("label10.bin"), records(new int[] {2, 10}, new byte[3072], new byte[3072]), false);

        assertThatThrownBy(() -> Cifar10Reader.read("x", List.of(file)))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("label10.bin")
                .hasMessageContaining("label 10");
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("test_batch.bin");

        assertThatThrownBy(() -> Cifar10Reader.read("x", List.of(missing)))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("test_batch.bin")
                .hasMessageContaining("not found");
    }

    private static byte[] records(int[] labels, byte[]... pixels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int r = 0; r < labels.length; r++) {
            out.write(labels[r]);
            out.write(pixels[r], 0, pixels[r].length);
        }
        return out.toByteArray();
    }
}
