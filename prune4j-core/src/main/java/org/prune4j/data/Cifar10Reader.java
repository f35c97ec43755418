package org.prune4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Reads the CIFAR-10 binary format ({@code data_batch_1.bin} ... {@code test_batch.bin}).
 *
 * <p>Each record is one label byte (0..9) followed by 3072 pixel bytes: the red, green and blue
 * 32x32 planes in that order, which is already C x H x W layout. Pixels are scaled to [0, 1].
 */
public final class Cifar10Reader {

    public static final int NUM_CLASSES = 10;
    public static final int CHANNELS = 3;
    public static final int SIDE = 32;
    static final int PIXELS_PER_RECORD = CHANNELS * SIDE * SIDE;
    static final int RECORD_BYTES = 1 + PIXELS_PER_RECORD;

    private Cifar10Reader() {}

    /**
     * Reads and concatenates the given batch files, in order.
     *
     * @throws DataFormatException if a file is missing or unreadable, its size is not a multiple of
     *     3073 bytes, or a label is larger than 9
     */
    public static ImageDataset read(String name, List<Path> batchFiles) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(batchFiles, "batchFiles");
        if (batchFiles.isEmpty()) {
            throw new IllegalArgumentException("batchFiles must name at least one CIFAR-10 batch file");
        }
        // Sizes first, so a bad file is reported before anything large is allocated.
        int[] recordsPerFile = new int[batchFiles.size()];
        long totalRecords = 0;
        for (int f = 0; f < batchFiles.size(); f++) {
            Path file = batchFiles.get(f);
            DataFiles.requireFile(file, "CIFAR-10 batch file");
            long size = fileSize(file);
            if (size % RECORD_BYTES != 0) {
                throw new DataFormatException(
                        "CIFAR-10 batch file " + file + " has " + size + " bytes, which is not a multiple of the "
                                + RECORD_BYTES + "-byte record size (1 label byte + 3072 pixel bytes)");
            }
            recordsPerFile[f] = Math.toIntExact(size / RECORD_BYTES);
            totalRecords += recordsPerFile[f];
        }
        if (totalRecords * PIXELS_PER_RECORD > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "too many CIFAR-10 records (" + totalRecords + ") to hold in one array");
        }

        int n = (int) totalRecords;
        float[] pixels = new float[n * PIXELS_PER_RECORD];
        int[] labels = new int[n];
        int next = 0;
        for (int f = 0; f < batchFiles.size(); f++) {
            next = readFile(batchFiles.get(f), recordsPerFile[f], pixels, labels, next);
        }
        return new ImageDataset(name, pixels, labels, CHANNELS, SIDE, SIDE, NUM_CLASSES);
    }

    /** Reads {@code records} records into the arrays starting at sample {@code first}; returns the next free index. */
    private static int readFile(Path file, int records, float[] pixels, int[] labels, int first) {
        byte[] record = new byte[RECORD_BYTES];
        // Raw, not DataFiles.open: the record-size check above is about the bytes on disk.
        try (InputStream in = DataFiles.openRaw(file)) {
            for (int r = 0; r < records; r++) {
                int found = DataFiles.readUpTo(in, record);
                if (found < RECORD_BYTES) {
                    throw new DataFormatException(
                            "CIFAR-10 batch file " + file + " ended inside record " + r + " of " + records);
                }
                int label = record[0] & 0xFF;
                if (label >= NUM_CLASSES) {
                    throw new DataFormatException(
                            "CIFAR-10 batch file " + file + ": record " + r + " has label " + label
                                    + " but labels must be 0..9");
                }
                int sample = first + r;
                labels[sample] = label;
                DataFiles.bytesToUnitFloats(record, 1, pixels, sample * PIXELS_PER_RECORD, PIXELS_PER_RECORD);
            }
        } catch (IOException e) {
            throw DataFiles.unreadable(file, e);
        }
        return first + records;
    }

    private static long fileSize(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw DataFiles.unreadable(file, e);
        }
    }
}
