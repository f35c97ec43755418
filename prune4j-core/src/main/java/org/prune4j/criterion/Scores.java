package org.prune4j.criterion;

import org.prune4j.dependency.Group;

import java.util.Map;

/** Helpers for score arrays, and the check every pruner makes on a criterion's scores before it acts on them. */
public final class Scores {

    private Scores() {}

    static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /** Adds {@code values} element by element into the sum kept under {@code group} (a group root). */
    static void accumulate(Map<String, double[]> sums, String group, double[] values) {
        double[] acc = sums.computeIfAbsent(group, g -> new double[values.length]);
        for (int i = 0; i < acc.length; i++) {
            acc[i] += values[i];
        }
    }

    /** What a data-driven criterion collected for {@code group}; fails if it saw no batch for it. */
    static double[] collected(Map<String, double[]> byGroup, Group group, String criterion) {
        double[] values = byGroup.get(group.root());
        if (values == null) {
            throw new IllegalStateException("criterion '" + criterion + "' saw no data batches for group " + group.root());
        }
        return values;
    }

    /**
     * Fails on a NaN score: a diverged gradient or an overflow leaves no evidence of what
     * matters, and pruning on it would remove arbitrary structure.
     */
    public static void requireNoNaN(float[] scores, String criterion, String where) {
        for (int i = 0; i < scores.length; i++) {
            if (Float.isNaN(scores[i])) {
                throw nonFinite(criterion, "NaN", where, i);
            }
        }
    }

    /** As {@link #requireNoNaN}, and infinite scores fail too (channel scores are finite evidence). */
    public static void requireFinite(float[] scores, String criterion, String where) {
        for (int i = 0; i < scores.length; i++) {
            if (!Float.isFinite(scores[i])) {
                throw nonFinite(criterion, String.valueOf(scores[i]), where, i);
            }
        }
    }

    private static IllegalStateException nonFinite(String criterion, String value, String where, int index) {
        return new IllegalStateException("criterion '" + criterion + "' gave " + value + " for " + where + " at index "
                + index + " (diverged gradients or overflow); pruning stopped");
    }
}
