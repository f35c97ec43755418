package org.prune4j.criterion;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * SiPP's channel sampling (Baykal, Liebenwein et al., "SiPPing Neural Networks", and its filter
 * version, Liebenwein et al., "Provable Filter Pruning", ICLR 2020): of a budget of {@code keep}
 * channels, the top half by sensitivity is kept as it is; for the other half, {@code m} channels
 * are drawn with replacement from the rest with probability {@code p_j = s_j / S} and a drawn
 * channel's weight is multiplied by {@code count_j / (m p_j)}, so that the readers' output is
 * unbiased: {@code E[count_j / (m p_j)] = 1}. A channel drawn twice is kept once, so at most
 * {@code keep} channels stay.
 *
 * <p>The bound ({@link #errorBound}): if every channel's sensitivity bounds its share
 * {@code c_j / z} of every output unit's total absolute contribution z on the calibration data,
 * each draw {@code c_J / p_J} lies in {@code [0, S z]} with variance at most {@code S z²};
 * Bernstein's inequality and a union bound over η units give, with probability at least 1 − δ,
 * {@code |ẑ − z| ≤ ε z} on every unit for {@code 3 m ε² = 2 S (3 + ε) ln(2η/δ)}. The signed
 * output splits into positive- and negative-weight parts, each within ε z (so 2ε in all).
 */
public final class SensitivitySampling {

    /** The channels kept: {@code factors[j]} multiplies channel j (0: removed). */
    public record Sample(double[] factors, int deterministic, int draws, double poolSensitivity) {
        public int kept() {
            return (int) Arrays.stream(factors).filter(f -> f != 0).count();
        }
    }

    private SensitivitySampling() {}

    public static Sample draw(double[] sensitivity, int keep, Random rng) {
        int c = sensitivity.length;
        if (keep < 1 || keep > c) {
            throw new IllegalArgumentException("keep must be in [1, " + c + "], got " + keep);
        }
        double[] factors = new double[c];
        Integer[] order = IntStream.range(0, c).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -sensitivity[j]).thenComparing(j -> j));
        int deterministic = keep == c ? c : (keep + 1) / 2;
        for (int t = 0; t < deterministic; t++) {
            factors[order[t]] = 1;
        }
        int draws = keep - deterministic;
        int pool = c - deterministic;
        double total = 0;
        for (int t = deterministic; t < c; t++) {
            total += sensitivity[order[t]];
        }
        if (draws == 0) {
            return new Sample(factors, deterministic, 0, total);
        }
        double[] p = new double[pool];
        for (int t = 0; t < pool; t++) {
            p[t] = total > 0 ? sensitivity[order[deterministic + t]] / total : 1.0 / pool;
        }
        int[] counts = new int[pool];
        for (int d = 0; d < draws; d++) {
            double u = rng.nextDouble();
            int t = 0;
            while (t < pool - 1 && (u -= p[t]) >= 0) {
                t++;
            }
            counts[t]++;
        }
        for (int t = 0; t < pool; t++) {
            if (counts[t] > 0) {
                factors[order[deterministic + t]] = counts[t] / (draws * p[t]);
            }
        }
        return new Sample(factors, deterministic, draws, total);
    }

    /**
     * The ε of the class comment: with probability at least 1 − δ, the sampled part of every one
     * of {@code units} output units is within ε of its total absolute contribution.
     */
    public static double errorBound(int draws, double poolSensitivity, long units, double delta) {
        if (draws == 0) {
            return 0;
        }
        double log = Math.log(2 * units / delta);
        double b = 2 * poolSensitivity * log;
        return (b + Math.sqrt(b * b + 72.0 * draws * poolSensitivity * log)) / (6.0 * draws);
    }
}
