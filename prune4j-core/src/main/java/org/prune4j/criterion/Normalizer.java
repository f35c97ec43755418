package org.prune4j.criterion;

import java.util.Locale;

/** Makes scores of different groups comparable before a global ranking. */
public enum Normalizer {
    NONE, MEAN, MAX, SUM;

    public static Normalizer parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown normalizer '" + name + "'; known are none, mean, max, sum");
        }
    }

    /** The scores divided by their mean, max or sum (unchanged for NONE or an all-zero group). */
    public float[] apply(float[] scores) {
        if (this == NONE) {
            return scores.clone();
        }
        double d = 0;
        for (float s : scores) {
            d = this == MAX ? Math.max(d, s) : d + s;
        }
        if (this == MEAN) {
            d /= scores.length;
        }
        float[] out = scores.clone();
        if (d > 0) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) (out[i] / d);
            }
        }
        return out;
    }
}
