package org.prune4j.train.optim;

import ai.djl.ndarray.NDArray;

import org.prune4j.model.Parameter;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (L2 decay added to the gradient) and AdamW (decoupled decay, Loshchilov &amp; Hutter), as
 * {@code torch.optim.Adam}/{@code AdamW} with bias correction.
 */
public final class Adam extends StatefulOptimizer {

    public static final String NAME = "adam";
    public static final String NAME_DECOUPLED = "adamw";

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final boolean decoupled;
    private final Map<String, Long> steps = new HashMap<>();

    private Adam(Builder b) {
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.epsilon = b.epsilon;
        this.weightDecay = b.weightDecay;
        this.decoupled = b.decoupled;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return decoupled ? NAME_DECOUPLED : NAME;
    }

    @Override
    public void step(List<Parameter> parameters, double learningRate) {
        for (Parameter p : parameters) {
            NDArray w = p.value();
            long t = steps.merge(p.fullName(), 1L, Long::sum);
            Map<String, NDArray> state = stateFor(p.fullName());
            try (NDArray g = gradient(w)) {
                if (decoupled && weightDecay != 0) {
                    w.muli(1 - learningRate * weightDecay);
                }
                NDArray m = state.computeIfAbsent("exp_avg", k -> w.zerosLike());
                NDArray v = state.computeIfAbsent("exp_avg_sq", k -> w.zerosLike());
                try (NDArray scaled = g.mul(1 - beta1)) {
                    m.muli(beta1).addi(scaled);
                }
                try (NDArray sq = g.square()) {
                    v.muli(beta2).addi(sq.muli(1 - beta2));
                }
                double bc1 = 1 - Math.pow(beta1, t);
                double bc2 = 1 - Math.pow(beta2, t);
                try (NDArray denom = v.sqrt(); NDArray update = m.div(denom.divi(Math.sqrt(bc2)).addi(epsilon))) {
                    w.subi(update.muli(learningRate / bc1));
                }
            }
        }
    }

    @Override
    public void close() {
        super.close();
        steps.clear();
    }

    private NDArray gradient(NDArray w) {
        NDArray g = w.getGradient();
        if (decoupled || weightDecay == 0) {
            return g;
        }
        try (g) {
            return w.mul(weightDecay).addi(g);
        }
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("optimizer", name());
        s.put("beta1", beta1);
        s.put("beta2", beta2);
        s.put("epsilon", epsilon);
        s.put("weightDecay", weightDecay);
        return s;
    }

    /** PyTorch's defaults: betas (0.9, 0.999), epsilon 1e-8, no decay, coupled (Adam). */
    public static final class Builder {
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-8;
        private double weightDecay;
        private boolean decoupled;

        private Builder() {}

        public Builder optBetas(double beta1, double beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        public Builder optEpsilon(double epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        public Builder optWeightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /** Decoupled weight decay: AdamW. */
        public Builder optDecoupledWeightDecay(boolean decoupled) {
            this.decoupled = decoupled;
            return this;
        }

        public Adam build() {
            for (double beta : new double[] {beta1, beta2}) {
                if (beta < 0 || beta >= 1) {
                    throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta);
                }
            }
            if (!(epsilon > 0)) {
                throw new IllegalArgumentException("Adam epsilon must be positive, got " + epsilon);
            }
            if (weightDecay < 0) {
                throw new IllegalArgumentException("weight decay must be 0 or more, got " + weightDecay);
            }
            return new Adam(this);
        }
    }
}
