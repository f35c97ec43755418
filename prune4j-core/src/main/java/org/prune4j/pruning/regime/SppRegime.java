package org.prune4j.pruning.regime;

import org.prune4j.pruning.PruningSession;

/**
 * Structured probabilistic pruning (Wang et al., "Structured Probabilistic Pruning for
 * Convolutional Neural Network Acceleration", BMVC 2018): every channel has a pruning
 * probability p, raised by the strength at each update while the method would remove the
 * channel and lowered while it would keep it. Each batch trains with a mask sampled from the
 * probabilities: a channel is dropped (all its weights zero for that step, and left as they were
 * by the update) with probability p, so a channel pruned by mistake can come back; at p = 1 it
 * is pruned for good (held at zero). After the regime's epochs the channels the method would
 * remove are pruned for good too, and the method removes them.
 */
final class SppRegime extends SteeringRegime {

    static final String NAME = "spp";
    /** p rises by this per update: a steadily chosen channel reaches 1 after 2/3 of 10 updates per epoch, 2 epochs. */
    static final double DEFAULT_STEP = 0.075;

    private final long seed;

    SppRegime(RegimeOptions options, long seed) {
        super(NAME, options);
        this.seed = seed;
    }

    @Override
    double strength() {
        return options.strengthOr(DEFAULT_STEP);
    }

    @Override
    Steering listener(PruningSession session) {
        return new Sampling(session, strength(), seed);
    }

    /** Probabilities raised while the method would remove a channel, lowered while it would keep it. */
    static final class Sampling extends SampledMasks {
        private final double step;

        Sampling(PruningSession session, double step, long seed) {
            super(session, seed);
            this.step = step;
        }

        @Override
        void update(boolean[] chosen) {
            if (probability == null) {
                probability = new double[slicing.count()];
            }
            for (int c = 0; c < probability.length; c++) {
                if (probability[c] < 1) {
                    probability[c] = chosen[c] ? Math.min(1, probability[c] + step) : Math.max(0, probability[c] - step);
                }
            }
        }
    }
}
