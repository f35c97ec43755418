package org.prune4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads the IDX format used by MNIST and Fashion-MNIST.
 *
 * <p>An IDX file is a big-endian header (magic number, then one 32-bit size per dimension)
 * followed by the raw data. Images use magic {@code 0x00000803} (unsigned bytes, 3 dimensions:
 * count, rows, columns) and labels {@code 0x00000801} (unsigned bytes, 1 dimension). Files may be
 * gzip-compressed; that is detected from the content, not the name. Pixels are scaled to [0, 1]
 * and the result has one channel.
 */
public final class IdxReader {

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    /**
     * Reads an image file and its label file into one data set.
     *
     * @param name name of the returned data set
     * @param images IDX image file, raw or gzip
     * @param labels IDX label file, raw or gzip
     * @param numClasses labels must lie in [0, numClasses)
     * @throws DataFormatException if a file is missing, unreadable, has the wrong magic number, is
     *     truncated, the counts differ, or a label is out of range
     */
    public static ImageDataset read(String name, Path images, Path labels, int numClasses) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
        if (numClasses <= 0) {
            throw new IllegalArgumentException("numClasses must be > 0 but was " + numClasses);
        }
        DataFiles.requireFile(images, "IDX image file");
        DataFiles.requireFile(labels, "IDX label file");

        ImageBlock block = readImages(images);
        int[] labelValues = readLabels(labels);
        if (block.count != labelValues.length) {
            throw new DataFormatException(
                    "image and label counts differ: " + images + " has " + block.count + " images but "
                            + labels + " has " + labelValues.length + " labels");
        }
        for (int i = 0; i < labelValues.length; i++) {
            if (labelValues[i] >= numClasses) {
                throw new DataFormatException(
                        "label " + labelValues[i] + " of item " + i + " in " + labels
                                + " is out of range: expected 0.." + (numClasses - 1));
            }
        }
        return new ImageDataset(name, block.pixels, labelValues, 1, block.rows, block.cols, numClasses);
    }

    private record ImageBlock(int count, int rows, int cols, float[] pixels) {}

    private static ImageBlock readImages(Path file) {
        try (InputStream in = DataFiles.open(file)) {
            int[] header = readHeader(in, file, IMAGES_MAGIC, 3, "image");
            int count = header[0];
            int rows = header[1];
            int cols = header[2];
            long total = (long) count * rows * cols;
            if (total > Integer.MAX_VALUE - 8) {
                throw new DataFormatException(
                        file + " declares " + count + " images of " + rows + "x" + cols
                                + " which is too large to hold in one array");
            }
            byte[] raw = new byte[(int) total];
            int found = DataFiles.readUpTo(in, raw);
            if (found < raw.length) {
                throw new DataFormatException(
                        "truncated IDX image file " + file + ": header declares " + count + " images of "
                                + rows + "x" + cols + " = " + raw.length + " pixel bytes but only " + found
                                + " are present");
            }
            float[] pixels = new float[raw.length];
            DataFiles.bytesToUnitFloats(raw, 0, pixels, 0, raw.length);
            return new ImageBlock(count, rows, cols, pixels);
        } catch (IOException e) {
            throw DataFiles.unreadable(file, e);
        }
    }

    private static int[] readLabels(Path file) {
        try (InputStream in = DataFiles.open(file)) {
            int count = readHeader(in, file, LABELS_MAGIC, 1, "label")[0];
            byte[] raw = new byte[count];
            int found = DataFiles.readUpTo(in, raw);
            if (found < count) {
                throw new DataFormatException(
                        "truncated IDX label file " + file + ": header declares " + count
                                + " labels but only " + found + " are present");
            }
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = raw[i] & 0xFF;
            }
            return labels;
        } catch (IOException e) {
            throw DataFiles.unreadable(file, e);
        }
    }

    /** Reads and checks the magic number, then returns the {@code dims} dimension sizes. */
    private static int[] readHeader(InputStream in, Path file, int expectedMagic, int dims, String kind)
            throws IOException {
        byte[] header = new byte[4 * (1 + dims)];
        int found = DataFiles.readUpTo(in, header);
        if (found < 4) {
            throw new DataFormatException(
                    "truncated IDX " + kind + " file " + file + ": expected a " + header.length
                            + "-byte header (magic number and sizes) but the file has only " + found + " bytes");
        }
        int magic = bigEndianInt(header, 0);
        if (magic != expectedMagic) {
            throw new DataFormatException(
                    "bad magic number in " + file + ": found " + hex(magic) + " but an IDX " + kind
                            + " file must start with " + hex(expectedMagic));
        }
        if (found < header.length) {
            throw new DataFormatException(
                    "truncated IDX " + kind + " file " + file + ": expected a " + header.length
                            + "-byte header but the file has only " + found + " bytes");
        }
        int[] sizes = new int[dims];
        for (int d = 0; d < dims; d++) {
            sizes[d] = bigEndianInt(header, 4 * (1 + d));
            if (sizes[d] < 0) {
                throw new DataFormatException(
                        "corrupt IDX " + kind + " file " + file + ": dimension " + d + " has negative size "
                                + sizes[d]);
            }
        }
        return sizes;
    }

    private static int bigEndianInt(byte[] b, int offset) {
        return (b[offset] & 0xFF) << 24
                | (b[offset + 1] & 0xFF) << 16
                | (b[offset + 2] & 0xFF) << 8
                | (b[offset + 3] & 0xFF);
    }

    private static String hex(int value) {
        return String.format("0x%08x", value);
    }
}
