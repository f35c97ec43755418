package org.prune4j.pruning.regime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Hardware-friendly micro-blocks of weights: {@code size} consecutive coefficients of one output
 * row (along the input channels and kernel positions; a row's last block may be shorter), and
 * the projection onto unified blocks: every block takes one shared value, its mean, and the
 * blocks of smallest |mean| · √length become all zero until at least {@code zeroed} coefficients
 * are zero (micro-structured pruning).
 */
final class MicroBlocks {

    private final int size;

    MicroBlocks(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a micro-block has at least 1 coefficient, got " + size);
        }
        this.size = size;
    }

    int size() {
        return size;
    }

    /** One block: which tensor, where it starts, how long it is. */
    private record Block(int tensor, int start, int length) {}

    /**
     * Projects {@code tensors} (each a row-major weight with {@code rows[i]} output rows) onto
     * unified blocks with at least {@code zeroed} coefficients zero in all; returns new arrays.
     */
    float[][] project(float[][] tensors, int[] rows, long zeroed) {
        List<Block> blocks = new ArrayList<>();
        for (int t = 0; t < tensors.length; t++) {
            int row = tensors[t].length / rows[t];
            for (int r = 0; r < rows[t]; r++) {
                for (int j = 0; j < row; j += size) {
                    blocks.add(new Block(t, r * row + j, Math.min(size, row - j)));
                }
            }
        }
        double[] mean = new double[blocks.size()];
        for (int b = 0; b < mean.length; b++) {
            Block k = blocks.get(b);
            double sum = 0;
            for (int i = 0; i < k.length(); i++) {
                sum += tensors[k.tensor()][k.start() + i];
            }
            mean[b] = sum / k.length();
        }
        Integer[] order = new Integer[mean.length];
        for (int b = 0; b < order.length; b++) {
            order[b] = b;
        }
        Arrays.sort(order, Comparator.comparingDouble(b -> Math.abs(mean[b]) * Math.sqrt(blocks.get(b).length())));
        long zero = 0;
        for (int i = 0; i < order.length && zero < zeroed; i++) {
            mean[order[i]] = 0;
            zero += blocks.get(order[i]).length();
        }
        float[][] out = new float[tensors.length][];
        for (int t = 0; t < tensors.length; t++) {
            out[t] = new float[tensors[t].length];
        }
        for (int b = 0; b < mean.length; b++) {
            Block k = blocks.get(b);
            Arrays.fill(out[k.tensor()], k.start(), k.start() + k.length(), (float) mean[b]);
        }
        return out;
    }
}
