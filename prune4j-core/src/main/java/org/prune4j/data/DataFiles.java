package org.prune4j.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Shared low-level file helpers for the readers in this package. */
final class DataFiles {

    private static final int BUFFER_SIZE = 1 << 16;

    /** {@code FLOAT_OF_BYTE[b] == b / 255f}: a table avoids a division per pixel. */
    private static final float[] FLOAT_OF_BYTE = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            FLOAT_OF_BYTE[i] = i / 255f;
        }
    }

    private DataFiles() {}

    /** Throws a {@link DataFormatException} naming {@code file} if it is not a regular file. */
    static void requireFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(what + " not found: " + file);
        }
    }

    /** Opens {@code file} for buffered reading, byte for byte. */
    static InputStream openRaw(Path file) throws IOException {
        return new BufferedInputStream(Files.newInputStream(file), BUFFER_SIZE);
    }

    /**
     * Opens {@code file} for buffered reading, transparently decompressing it when it starts with
     * the gzip magic 0x1f8b (the content decides, not the file name).
     */
    static InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER_SIZE);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(in, BUFFER_SIZE), BUFFER_SIZE);
        }
        return in;
    }

    /**
     * Reads as many bytes as fit into {@code dst} and returns how many were actually available,
     * which is less than {@code dst.length} only at end of stream.
     */
    static int readUpTo(InputStream in, byte[] dst) throws IOException {
        return in.readNBytes(dst, 0, dst.length);
    }

    /** Converts unsigned bytes to floats in [0, 1]: {@code dst[dstOffset + i] = src[i] / 255f}. */
    static void bytesToUnitFloats(byte[] src, int srcOffset, float[] dst, int dstOffset, int length) {
        float[] table = FLOAT_OF_BYTE;
        for (int i = 0; i < length; i++) {
            dst[dstOffset + i] = table[src[srcOffset + i] & 0xFF];
        }
    }

    /** Wraps an I/O failure so the message names the file. */
    static DataFormatException unreadable(Path file, IOException e) {
        return new DataFormatException("cannot read " + file + ": " + e, e);
    }
}
