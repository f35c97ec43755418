package org.prune4j.criterion;

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

    /**
     * Fails on a NaN score: a diverged gradient or an overflow leaves no evidence of what
     * matters, and pruning on it would remove arbitrary structure.
     */
    public static void requireNoNaN(float[] scores, String criterion, String where) {
        for (int i = 0; i < scores.length; i++) {
            if (Float.isNaN(scores[i])) {
                throw new IllegalStateException("criterion '" + criterion + "' gave NaN for " + where + " at index " + i
                        + " (diverged gradients or overflow); pruning stopped");
            }
        }
    }
}
