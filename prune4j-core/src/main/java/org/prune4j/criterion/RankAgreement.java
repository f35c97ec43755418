package org.prune4j.criterion;

import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

import java.util.Map;

/**
 * How well one channel ranking agrees with a reference ranking: Spearman's ρ (ties get their
 * mean rank) and Kendall's τ-b. NaN where a ranking is undefined (fewer than two channels, or
 * all scores equal): such a group says nothing about agreement and is left out of means.
 */
public record RankAgreement(double spearman, double kendall) {

    public static RankAgreement of(float[] reference, float[] scores) {
        if (reference.length != scores.length) {
            throw new IllegalArgumentException(reference.length + " reference scores but " + scores.length + " scores");
        }
        if (reference.length < 2 || constant(reference) || constant(scores)) {
            return new RankAgreement(Double.NaN, Double.NaN);
        }
        double[] a = toDouble(reference);
        double[] b = toDouble(scores);
        return new RankAgreement(new SpearmansCorrelation().correlation(a, b),
                new KendallsCorrelation().correlation(a, b));
    }

    /** One ranking of all channels of all groups together (keyed alike in both maps), raw scores compared across layers. */
    public static <K> RankAgreement pooled(Map<K, float[]> reference, Map<K, float[]> scores) {
        int n = reference.values().stream().mapToInt(s -> s.length).sum();
        float[] a = new float[n];
        float[] b = new float[n];
        int at = 0;
        for (Map.Entry<K, float[]> e : reference.entrySet()) {
            float[] other = scores.get(e.getKey());
            if (other == null) {
                throw new IllegalArgumentException("no scores for group " + e.getKey());
            }
            System.arraycopy(e.getValue(), 0, a, at, e.getValue().length);
            System.arraycopy(other, 0, b, at, other.length);
            at += e.getValue().length;
        }
        return of(a, b);
    }

    /** The mean of the per-group agreements, over the groups where it is defined. */
    public static <K> RankAgreement meanOverGroups(Map<K, float[]> reference, Map<K, float[]> scores) {
        double rho = 0;
        double tau = 0;
        int defined = 0;
        for (Map.Entry<K, float[]> e : reference.entrySet()) {
            RankAgreement r = of(e.getValue(), scores.get(e.getKey()));
            if (!Double.isNaN(r.spearman())) {
                rho += r.spearman();
                tau += r.kendall();
                defined++;
            }
        }
        return defined == 0 ? new RankAgreement(Double.NaN, Double.NaN) : new RankAgreement(rho / defined, tau / defined);
    }

    private static boolean constant(float[] s) {
        for (float v : s) {
            if (v != s[0]) {
                return false;
            }
        }
        return true;
    }

    private static double[] toDouble(float[] s) {
        double[] d = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            d[i] = s[i];
        }
        return d;
    }
}
