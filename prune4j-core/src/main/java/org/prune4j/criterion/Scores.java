package org.prune4j.criterion;

/** Small helpers for score arrays. */
final class Scores {

    private Scores() {}

    static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
