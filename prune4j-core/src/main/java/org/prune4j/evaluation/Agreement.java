package org.prune4j.evaluation;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * How often a model predicts the same class as a reference (the dense model it was pruned from):
 * overall, per true class, and on the examples where the reference is least confident, where
 * torchprune found pruned networks to part from their parents first.
 *
 * @param overall the fraction of examples with the same predicted class
 * @param perClass that fraction among each class's examples (NaN for a class without any)
 * @param leastConfident that fraction among the {@code leastConfidentFraction} of examples with
 *     the lowest reference confidence
 */
public record Agreement(double overall, double[] perClass, double leastConfident, double leastConfidentFraction) {

    public static final double DEFAULT_LEAST_CONFIDENT_FRACTION = 0.1;

    public static Agreement of(Predictions model, Predictions reference, double leastConfidentFraction) {
        if (model.size() != reference.size() || model.classes() != reference.classes()) {
            throw new IllegalArgumentException("cannot compare predictions of " + model.size() + " examples x "
                    + model.classes() + " classes with " + reference.size() + " x " + reference.classes());
        }
        if (!(leastConfidentFraction > 0 && leastConfidentFraction <= 1)) {
            throw new IllegalArgumentException("least-confident fraction must be in (0, 1] but was "
                    + leastConfidentFraction);
        }
        int n = model.size();
        long[] same = new long[model.classes()];
        long[] total = new long[model.classes()];
        long agree = 0;
        for (int i = 0; i < n; i++) {
            boolean s = model.predicted(i) == reference.predicted(i);
            agree += s ? 1 : 0;
            total[model.label(i)]++;
            same[model.label(i)] += s ? 1 : 0;
        }
        double[] perClass = new double[model.classes()];
        for (int k = 0; k < perClass.length; k++) {
            perClass[k] = total[k] == 0 ? Double.NaN : same[k] / (double) total[k];
        }
        int take = Math.max(1, (int) Math.round(leastConfidentFraction * n));
        int[] unsure = IntStream.range(0, n).boxed()
                .sorted(Comparator.comparingDouble(reference::confidence)).limit(take)
                .mapToInt(Integer::intValue).toArray();
        long unsureSame = Arrays.stream(unsure).filter(i -> model.predicted(i) == reference.predicted(i)).count();
        return new Agreement(agree / (double) n, perClass, unsureSame / (double) take, leastConfidentFraction);
    }
}
