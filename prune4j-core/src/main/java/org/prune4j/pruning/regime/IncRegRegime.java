package org.prune4j.pruning.regime;

import ai.djl.ndarray.NDArray;

import org.prune4j.model.Parameter;
import org.prune4j.pruning.PruningSession;
import org.prune4j.train.TrainingContext;

import java.util.Map;

/**
 * Incremental regularization (Wang et al., "Structured Pruning for Efficient ConvNets via
 * Incremental Regularization", IJCNN 2019 / JSTSP 2020): every channel has its own L2 factor λ,
 * raised at each update while the method would remove the channel and lowered (not below 0)
 * while it would keep it, so the unimportant channels' weights — filters, norm scales and
 * readers — shrink to zero gradually, without a sudden cut, before the method removes them. λ
 * rises to its ceiling (the strength) over half the regime's updates.
 */
final class IncRegRegime extends SteeringRegime {

    static final String NAME = "increg";
    static final double DEFAULT_CEILING = 1.0;

    IncRegRegime(RegimeOptions options) {
        super(NAME, options);
    }

    @Override
    double strength() {
        return options.strengthOr(DEFAULT_CEILING);
    }

    @Override
    Steering listener(PruningSession session) {
        return new Penalty(session, strength());
    }

    /** The per-channel factors and the penalty gradient λ·w they add before each update. */
    static final class Penalty extends Steering {
        private final double ceiling;
        private double[] lambda;
        private Map<Parameter, NDArray> factors = Map.of();

        Penalty(PruningSession session, double ceiling) {
            super(session);
            this.ceiling = ceiling;
        }

        @Override
        boolean readersOnly() {
            return false;
        }

        @Override
        void update(boolean[] chosen) {
            if (lambda == null) {
                lambda = new double[slicing.count()];
            }
            double step = ceiling / Math.max(1, updatesPlanned / 2.0);
            for (int c = 0; c < lambda.length; c++) {
                lambda[c] = chosen[c] ? Math.min(ceiling, lambda[c] + step) : Math.max(0, lambda[c] - step);
            }
            factors.values().forEach(NDArray::close);
            factors = slicing.perElement(lambda, 0f, ChannelSlicing.Overlap.LARGEST);
        }

        @Override
        public void beforeUpdate(TrainingContext context) {
            factors.forEach((p, f) -> {
                try (NDArray grad = p.value().getGradient(); NDArray penalty = p.value().mul(f)) {
                    grad.addi(penalty);
                }
            });
        }

        @Override
        public void onTrainingEnd(TrainingContext context) {
            factors.values().forEach(NDArray::close);
            factors = Map.of();
        }

        double[] lambda() {
            return lambda.clone();
        }
    }
}
