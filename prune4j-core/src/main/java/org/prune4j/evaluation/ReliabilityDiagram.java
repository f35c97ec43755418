package org.prune4j.evaluation;

import java.util.ArrayList;
import java.util.List;

/**
 * Confidence against accuracy in equal-width confidence bins, and the expected calibration error
 * ECE = Σ_b (n_b / N) |accuracy_b − confidence_b| (Guo et al. 2017; 15 bins by default). A bin
 * holds the confidences in (lower, upper]; the first also holds 0.
 */
public record ReliabilityDiagram(List<Bin> bins, double ece) {

    public static final int DEFAULT_BINS = 15;

    /** One bin: its bounds, how many examples fell in it, their mean confidence and accuracy. */
    public record Bin(double lower, double upper, long count, double confidence, double accuracy) {}

    public static ReliabilityDiagram of(Predictions p, int binCount) {
        if (binCount < 1) {
            throw new IllegalArgumentException("bin count must be >= 1 but was " + binCount);
        }
        long[] count = new long[binCount];
        double[] confidence = new double[binCount];
        long[] correct = new long[binCount];
        for (int i = 0; i < p.size(); i++) {
            float c = p.confidence(i);
            int b = Math.min(binCount - 1, Math.max(0, (int) Math.ceil(c * binCount) - 1));
            count[b]++;
            confidence[b] += c;
            correct[b] += p.correct(i) ? 1 : 0;
        }
        List<Bin> bins = new ArrayList<>(binCount);
        double ece = 0;
        for (int b = 0; b < binCount; b++) {
            double meanConfidence = count[b] == 0 ? Double.NaN : confidence[b] / count[b];
            double accuracy = count[b] == 0 ? Double.NaN : correct[b] / (double) count[b];
            bins.add(new Bin(b / (double) binCount, (b + 1) / (double) binCount, count[b], meanConfidence, accuracy));
            if (count[b] > 0) {
                ece += count[b] / (double) p.size() * Math.abs(accuracy - meanConfidence);
            }
        }
        return new ReliabilityDiagram(List.copyOf(bins), ece);
    }
}
