package org.prune4j.measure;

import java.util.Arrays;

/**
 * Deployed-form latency of a reference model and a candidate (e.g. dense and pruned), at batch 1
 * and batch 128, from {@link Latency#compare}: the medians, and the speed-up with the
 * spread of its interleaved rounds. A speed-up whose spread includes 1 is not a measured
 * difference on this machine, and is reported as such.
 */
public record LatencyComparison(AtBatch batch1, AtBatch batch128) {

    /**
     * One batch size.
     *
     * @param speedUp median of the per-round ratios reference / candidate
     * @param speedUpLow the lowest per-round ratio
     * @param speedUpHigh the highest per-round ratio
     */
    public record AtBatch(int batchSize, String referenceLayout, double referenceMs, String candidateLayout,
            double candidateMs, double speedUp, double speedUpLow, double speedUpHigh) {

        static AtBatch of(int batchSize, String referenceLayout, String candidateLayout, double[] referenceMs,
                double[] candidateMs) {
            double[] ratios = new double[referenceMs.length];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = referenceMs[i] / candidateMs[i];
            }
            double[] sorted = ratios.clone();
            Arrays.sort(sorted);
            return new AtBatch(batchSize, referenceLayout, Throughput.median(referenceMs), candidateLayout,
                    Throughput.median(candidateMs), Throughput.median(ratios), sorted[0],
                    sorted[sorted.length - 1]);
        }

        /** Whether the rounds disagree on which model is faster: the difference is within this machine's noise. */
        public boolean withinNoise() {
            return speedUpLow <= 1 && speedUpHigh >= 1;
        }

        /** E.g. "1.42x (rounds 1.31-1.55)" or "1.03x (rounds 0.97-1.08: within noise)". */
        public String describe() {
            return String.format("%.2fx (rounds %.2f-%.2f%s)", speedUp, speedUpLow, speedUpHigh,
                    withinNoise() ? ": within noise" : "");
        }
    }
}
