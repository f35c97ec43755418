package org.prune4j.train.optim;

import ai.djl.ndarray.NDArray;

import org.prune4j.model.Parameter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay, exactly as
 * {@code torch.optim.SGD} (no dampening): {@code d = g + wd*w; b = m*b + d;
 * w -= lr * (nesterov ? d + m*b : b)}. Written with in-place ops so any schedule works.
 */
public final class Sgd extends StatefulOptimizer {

    public static final String NAME = "sgd";

    private final double momentum;
    private final boolean nesterov;
    private final double weightDecay;

    private Sgd(Builder b) {
        this.momentum = b.momentum;
        this.nesterov = b.nesterov;
        this.weightDecay = b.weightDecay;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void step(List<Parameter> parameters, double learningRate) {
        for (Parameter p : parameters) {
            NDArray w = p.value();
            try (NDArray g = w.getGradient(); NDArray d = direction(w, g)) {
                if (momentum == 0) {
                    w.subi(d.muli(learningRate));
                    continue;
                }
                Map<String, NDArray> state = stateFor(p.fullName());
                NDArray buf = state.get("momentum");
                if (buf == null) {
                    buf = d.duplicate();
                    state.put("momentum", buf);
                } else {
                    buf.muli(momentum).addi(d);
                }
                if (nesterov) {
                    try (NDArray mb = buf.mul(momentum)) {
                        w.subi(d.addi(mb).muli(learningRate));
                    }
                } else {
                    try (NDArray step = buf.mul(learningRate)) {
                        w.subi(step);
                    }
                }
            }
        }
    }

    /** The gradient plus weight decay, as a new array the caller closes. */
    private NDArray direction(NDArray w, NDArray g) {
        return weightDecay == 0 ? g.duplicate() : w.mul(weightDecay).addi(g);
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("optimizer", NAME);
        s.put("momentum", momentum);
        s.put("nesterov", nesterov);
        s.put("weightDecay", weightDecay);
        return s;
    }

    /** All settings optional: plain SGD by default. */
    public static final class Builder {
        private double momentum;
        private boolean nesterov;
        private double weightDecay;

        private Builder() {}

        public Builder optMomentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        public Builder optNesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        public Builder optWeightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public Sgd build() {
            if (momentum < 0 || momentum >= 1) {
                throw new IllegalArgumentException("SGD momentum must be in [0, 1), got " + momentum);
            }
            if (nesterov && momentum == 0) {
                throw new IllegalArgumentException("Nesterov SGD needs a momentum above 0");
            }
            if (weightDecay < 0) {
                throw new IllegalArgumentException("weight decay must be 0 or more, got " + weightDecay);
            }
            return new Sgd(this);
        }
    }
}
