package org.prune4j.onnx;

/** What an ONNX value is while a file is imported. */
public sealed interface ImportValue permits ImportValue.Act, ImportValue.Const, ImportValue.Padded,
        ImportValue.Grouped, ImportValue.Swapped, ImportValue.ChannelsLast, ImportValue.Attention {

    /** An activation: the output of a prune4j node (or the graph input). */
    record Act(String node) implements ImportValue {}

    /**
     * A constant: numbers with dims (float or integer; shapes use {@code BATCH} for the batch
     * dimension). A float tensor's integer view is derived when asked for (shape arithmetic reads
     * small constants; a weight's would double the memory of a large model's import).
     */
    record Const(float[] floats, long[] longs, long[] dims) implements ImportValue {

        /** A float tensor, its integer view derived on demand. */
        Const(float[] floats, long[] dims) {
            this(floats, null, dims);
        }

        /** Element {@code from[i]} at position i, both views, with new dims (a slice or transpose of a constant). */
        Const pick(int[] from, long[] newDims) {
            long[] source = longs();
            float[] f = new float[from.length];
            long[] l = new long[from.length];
            for (int i = 0; i < from.length; i++) {
                f[i] = floats[from[i]];
                l[i] = source[from[i]];
            }
            return new Const(f, l, newDims);
        }

        /** The same numbers with other dims (a reshape or squeeze of a constant). */
        Const withDims(long[] newDims) {
            return new Const(floats, longs, newDims);
        }

        @Override
        public long[] longs() {
            if (longs != null) {
                return longs;
            }
            long[] l = new long[floats.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = (long) floats[i];
            }
            return l;
        }
    }

    /** An activation waiting for a zero pad to be folded into the next Conv: pads (top, left, bottom, right). */
    record Padded(String node, long[] pads) implements ImportValue {}

    /** First step of a channel shuffle (Reshape to groups). */
    record Grouped(String node, long groups) implements ImportValue {}

    /** Second step of a channel shuffle (the Transpose of the groups). */
    record Swapped(String node, long groups) implements ImportValue {}

    /**
     * A node's image output with the channels moved last (Transpose 0, 2, 3, 1; ConvNeXt's blocks):
     * prune4j keeps it channels-first, and per-position ops on it (linear layers, layer norm,
     * per-channel constants, GELU) become their channels-first equivalents.
     */
    record ChannelsLast(String node) implements ImportValue {}

    /**
     * A step of multi-head attention as prune4j exports it (see TokenExporters): token sequences
     * q, k, v (prune4j nodes) reshaped to heads of {@code headDim}, the scaled scores, the
     * softmax weights, the weighted sum; the Reshape back to (N, D, T, 1) completes it.
     */
    record Attention(Stage stage, String q, String k, String v, long headDim, double scale) implements ImportValue {

        /** Which intermediate tensor of the attention this value is. */
        public enum Stage { HEADS, HEADS_T, SCORES, WEIGHTS, WEIGHTS_T, MIXED }

        Attention next(Stage s) {
            return new Attention(s, q, k, v, headDim, scale);
        }
    }
}
