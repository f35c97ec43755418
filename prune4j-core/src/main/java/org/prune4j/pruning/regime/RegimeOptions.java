package org.prune4j.pruning.regime;

/**
 * What a regime may be given: epochs of training with its rule, its strength (the penalty or
 * step size; NaN for the regime's default), and passes (multi-pass network slimming).
 */
public record RegimeOptions(int epochs, double strength, int passes) {

    public RegimeOptions {
        if (epochs < 1) {
            throw new IllegalArgumentException("a regime trains at least 1 epoch, got " + epochs);
        }
        if (!Double.isNaN(strength) && !(strength > 0)) {
            throw new IllegalArgumentException("a regime's strength must be positive, got " + strength);
        }
        if (passes < 1) {
            throw new IllegalArgumentException("a regime runs at least 1 pass, got " + passes);
        }
    }

    /** 2 epochs, the regime's own strength, one pass. */
    public static RegimeOptions defaults() {
        return new RegimeOptions(2, Double.NaN, 1);
    }

    /** The strength, or {@code fallback} when none was given. */
    double strengthOr(double fallback) {
        return Double.isNaN(strength) ? fallback : strength;
    }
}
