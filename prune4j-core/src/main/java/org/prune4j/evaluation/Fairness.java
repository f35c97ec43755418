package org.prune4j.evaluation;

import org.prune4j.data.ImageDataset;

/**
 * Group fairness of a model's predictions with respect to a protected attribute, for any number
 * of classes (one class against the rest, the largest gap over classes and groups):
 * demographic parity difference = max_k (max_g − min_g) P(ŷ = k | A = g); equalized odds
 * difference = max_k of the larger of the true-positive-rate gap P(ŷ = k | y = k, A = g) and
 * the false-positive-rate gap P(ŷ = k | y ≠ k, A = g) between groups. Both are 0 for a model
 * whose decisions ignore the attribute on data where the attribute is independent of the class.
 *
 * @param groupAccuracy accuracy within each group
 * @param groupSize examples in each group
 */
public record Fairness(double demographicParityDifference, double equalizedOddsDifference, double[] groupAccuracy,
        int[] groupSize) {

    /** The fairness of {@code p}, whose examples are {@code data}'s in order. */
    public static Fairness of(Predictions p, ImageDataset data) {
        if (p.size() != data.size() || !data.hasAttributes()) {
            throw new IllegalArgumentException("fairness needs the predictions of every example of a data set with a "
                    + "protected attribute; data set " + data.name() + (data.hasAttributes() ? " has " + data.size()
                    + " examples, predictions " + p.size() : " has no protected attribute"));
        }
        int groups = 0;
        for (int i = 0; i < data.size(); i++) {
            groups = Math.max(groups, data.attribute(i) + 1);
        }
        int k = p.classes();
        long[][] predicted = new long[groups][k]; // ŷ = class, per group
        long[][] truePositive = new long[groups][k];
        long[][] positives = new long[groups][k]; // y = class
        int[] size = new int[groups];
        long[] correct = new long[groups];
        for (int i = 0; i < p.size(); i++) {
            int g = data.attribute(i);
            int yHat = p.predicted(i);
            int y = p.label(i);
            size[g]++;
            predicted[g][yHat]++;
            positives[g][y]++;
            if (yHat == y) {
                truePositive[g][y]++;
                correct[g]++;
            }
        }
        double parity = 0;
        double odds = 0;
        for (int c = 0; c < k; c++) {
            double[] rate = new double[groups];
            double[] tpr = new double[groups];
            double[] fpr = new double[groups];
            for (int g = 0; g < groups; g++) {
                rate[g] = ratio(predicted[g][c], size[g]);
                tpr[g] = ratio(truePositive[g][c], positives[g][c]);
                fpr[g] = ratio(predicted[g][c] - truePositive[g][c], size[g] - positives[g][c]);
            }
            parity = Math.max(parity, range(rate));
            odds = Math.max(odds, Math.max(range(tpr), range(fpr)));
        }
        double[] accuracy = new double[groups];
        for (int g = 0; g < groups; g++) {
            accuracy[g] = ratio(correct[g], size[g]);
        }
        return new Fairness(parity, odds, accuracy, size);
    }

    private static double ratio(long a, long b) {
        return b == 0 ? Double.NaN : a / (double) b;
    }

    /** max − min over the groups that have a value. */
    private static double range(double[] v) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            if (!Double.isNaN(x)) {
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
        }
        return max < min ? 0 : max - min;
    }
}
