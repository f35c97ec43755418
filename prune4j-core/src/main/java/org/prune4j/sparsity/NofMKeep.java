package org.prune4j.sparsity;

import ai.djl.ndarray.types.Shape;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * N:M semi-structured sparsity (e.g. 2:4, as sparse tensor cores run it): of every M consecutive
 * weights along the input dimension, the N with the highest scores stay. For a linear weight
 * {@code [out, in]} the groups run along {@code in}; for a convolution {@code [out, in, kh, kw]}
 * along the input channels at each kernel position. A layer whose input size is not a multiple
 * of M (e.g. a first convolution with one input channel) is left dense.
 */
public final class NofMKeep implements KeepRule {

    private final int n;
    private final int m;

    public NofMKeep(int n, int m) {
        if (n < 1 || m < 2 || n >= m) {
            throw new IllegalArgumentException("N:M needs 1 <= N < M and M >= 2, got " + n + ":" + m);
        }
        this.n = n;
        this.m = m;
    }

    @Override
    public String name() {
        return n + ":" + m;
    }

    @Override
    public boolean fixedFraction() {
        return true;
    }

    /** Whether a weight of this shape can carry the pattern (input dimension divisible by M). */
    public boolean applies(Shape shape) {
        return shape.get(1) % m == 0;
    }

    @Override
    public Map<String, float[]> select(Map<String, float[]> scores, Map<String, Shape> shapes, double keepFraction) {
        Map<String, float[]> masks = new LinkedHashMap<>();
        scores.forEach((name, s) -> {
            Shape shape = shapes.get(name);
            float[] mask = new float[s.length];
            if (!applies(shape)) {
                java.util.Arrays.fill(mask, 1);
            } else {
                int in = (int) shape.get(1);
                int inner = (int) (shape.size() / (shape.get(0) * in)); // kernel positions (1 for linear)
                int outs = (int) shape.get(0);
                int[] idx = new int[m];
                for (int o = 0; o < outs; o++) {
                    for (int k = 0; k < inner; k++) {
                        for (int c0 = 0; c0 < in; c0 += m) {
                            for (int j = 0; j < m; j++) {
                                idx[j] = (o * in + c0 + j) * inner + k;
                            }
                            keepTopN(s, idx, mask);
                        }
                    }
                }
            }
            masks.put(name, mask);
        });
        return masks;
    }

    /** Marks the N highest-scoring of the M positions (ties: lower position first). */
    private void keepTopN(float[] s, int[] idx, float[] mask) {
        for (int chosen = 0; chosen < n; chosen++) {
            int best = -1;
            for (int i : idx) {
                if (mask[i] == 0 && (best < 0 || s[i] > s[best])) {
                    best = i;
                }
            }
            mask[best] = 1;
        }
    }
}
