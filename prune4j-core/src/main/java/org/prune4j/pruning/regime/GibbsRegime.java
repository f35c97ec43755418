package org.prune4j.pruning.regime;

import org.prune4j.pruning.PruningSession;

/**
 * Gibbs pruning (Labach &amp; Valaee, "Neural Network Sparsification Using Gibbs Measures", 2019),
 * structured: masks are drawn from a Gibbs distribution p(m) ∝ exp(−H(m)/T) whose energy rewards
 * keeping channels with large weights, H(m) = Σ_c m_c (μ_g − E_c), E_c the squared norm of what
 * channel c owns over its group's mean. Without coupling terms the channels are independent: c is
 * dropped with probability σ((μ_g − E_c)/T), and per group μ_g (the chemical potential) is set so
 * that as many channels are dropped on average as the method would remove there. The
 * temperature falls geometrically from the strength (default 1, in units of the group's mean
 * energy) to 1/1000 of it over the regime's updates: from nearly random masks to the
 * deterministic one, each group's lowest-energy channels, while the network trains with them.
 * Then what the method removes is pruned for good and removed.
 */
final class GibbsRegime extends SteeringRegime {

    static final String NAME = "gibbs";
    static final double DEFAULT_TEMPERATURE = 1.0;
    /** The final temperature over the first. */
    static final double ANNEAL = 1e-3;

    private final long seed;

    GibbsRegime(RegimeOptions options, long seed) {
        super(NAME, options);
        this.seed = seed;
    }

    @Override
    double strength() {
        return options.strengthOr(DEFAULT_TEMPERATURE);
    }

    @Override
    Steering listener(PruningSession session) {
        return new Annealed(session, strength(), seed);
    }

    /** Gibbs probabilities at a temperature that falls with every update. */
    static final class Annealed extends SampledMasks {
        private final double initialTemperature;

        Annealed(PruningSession session, double initialTemperature, long seed) {
            super(session, seed);
            this.initialTemperature = initialTemperature;
        }

        double temperature() {
            return initialTemperature * Math.pow(ANNEAL, Math.min(1, updates / (double) updatesPlanned));
        }

        @Override
        void update(boolean[] chosen) {
            double[] energy = slicing.squaredNorms();
            double[] next = new double[chosen.length];
            double t = temperature();
            for (int[] range : slicing.ranges().values()) {
                double[] e = new double[range[1]];
                double mean = 0;
                int dropped = 0;
                for (int k = 0; k < e.length; k++) {
                    e[k] = energy[range[0] + k];
                    mean += e[k] / e.length;
                    dropped += chosen[range[0] + k] ? 1 : 0;
                }
                double[] p = dropProbabilities(e, mean > 0 ? mean : 1, dropped, t);
                System.arraycopy(p, 0, next, range[0], p.length);
            }
            if (probability != null) { // pruned for good stays so
                for (int c = 0; c < next.length; c++) {
                    next[c] = probability[c] >= 1 ? 1 : next[c];
                }
            }
            probability = next;
        }
    }

    /**
     * σ((μ − E_c/scale)/T) for each channel, μ chosen by bisection so that they sum to
     * {@code dropped} (0 and 1 exactly when nothing or everything is dropped).
     */
    static double[] dropProbabilities(double[] energy, double scale, int dropped, double t) {
        double[] p = new double[energy.length];
        if (dropped <= 0 || dropped >= energy.length) {
            java.util.Arrays.fill(p, dropped <= 0 ? 0 : 1);
            return p;
        }
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (double e : energy) {
            lo = Math.min(lo, e / scale);
            hi = Math.max(hi, e / scale);
        }
        lo -= 60 * t;
        hi += 60 * t;
        for (int i = 0; i < 200; i++) {
            double mu = (lo + hi) / 2;
            if (sum(energy, scale, mu, t) < dropped) {
                lo = mu;
            } else {
                hi = mu;
            }
        }
        double mu = (lo + hi) / 2;
        for (int c = 0; c < p.length; c++) {
            p[c] = logistic((mu - energy[c] / scale) / t);
        }
        return p;
    }

    private static double sum(double[] energy, double scale, double mu, double t) {
        double s = 0;
        for (double e : energy) {
            s += logistic((mu - e / scale) / t);
        }
        return s;
    }

    private static double logistic(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }
}
