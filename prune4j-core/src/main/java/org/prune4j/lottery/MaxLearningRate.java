package org.prune4j.lottery;

import java.util.Locale;

/**
 * The peak learning rate of each lottery round's retraining (the schedule keeps its shape, e.g.
 * one-cycle, and is scaled to this peak). {@code constant}: the dense training's peak every
 * round. {@code silo} (SILO, Liu et al. 2022): a peak that grows in an S shape across the rounds,
 * from {@code low} in the first round to {@code high} in the last, a logistic curve of slope
 * {@code steepness} per round centred on the middle round; the abstract gives the shape, not the
 * curve, so the three numbers are this implementation's parameters (defaults: the dense peak, 3×
 * it, 1).
 */
public interface MaxLearningRate {

    /** The peak of round {@code round} (1-based) of {@code rounds}, given the dense training's {@code base}. */
    double at(int round, int rounds, double base);

    /** How it is written on the command line and in results. */
    String label();

    static MaxLearningRate constant() {
        return new MaxLearningRate() {
            @Override
            public double at(int round, int rounds, double base) {
                return base;
            }

            @Override
            public String label() {
                return "constant";
            }
        };
    }

    /** {@code low} and {@code high} as multiples of the dense peak. */
    static MaxLearningRate silo(double low, double high, double steepness) {
        if (!(low > 0) || !(high > 0) || !(steepness > 0)) {
            throw new IllegalArgumentException("silo needs positive low, high and steepness, got " + low + ", " + high
                    + ", " + steepness);
        }
        return new MaxLearningRate() {
            @Override
            public double at(int round, int rounds, double base) {
                if (rounds == 1) {
                    return base * high;
                }
                double middle = (1 + rounds) / 2.0;
                double first = sigmoid(steepness * (1 - middle));
                double last = sigmoid(steepness * (rounds - middle));
                double share = (sigmoid(steepness * (round - middle)) - first) / (last - first);
                return base * (low + (high - low) * share);
            }

            @Override
            public String label() {
                return "silo:" + low + "," + high + "," + steepness;
            }
        };
    }

    /** Reads {@code constant}, {@code silo} or {@code silo:LOW,HIGH,STEEPNESS} (LOW, HIGH times the dense peak). */
    static MaxLearningRate parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("constant")) {
            return constant();
        }
        if (t.equals("silo")) {
            return silo(1, 3, 1);
        }
        if (t.startsWith("silo:")) {
            String[] parts = t.substring(5).split(",");
            try {
                if (parts.length == 3) {
                    return silo(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]),
                            Double.parseDouble(parts[2]));
                }
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException("unknown max-lr '" + text + "'; expected constant, silo or "
                + "silo:LOW,HIGH,STEEPNESS (LOW and HIGH as multiples of the dense training's peak rate)");
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
