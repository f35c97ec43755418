package org.prune4j.train.optim;

import java.util.List;
import java.util.Locale;

/** Finds an optimizer by name ({@code sgd}, {@code adam}, {@code adamw}) for configs and the CLI. */
public final class Optimizers {

    public static final List<String> NAMES = List.of(Sgd.NAME, Adam.NAME, Adam.NAME_DECOUPLED);

    private Optimizers() {}

    /**
     * @param momentum used by SGD (Nesterov when {@code nesterov}); ignored by Adam
     */
    public static Optimizer create(String name, double momentum, boolean nesterov, double weightDecay) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case Sgd.NAME:
                return Sgd.builder().optMomentum(momentum).optNesterov(nesterov)
                        .optWeightDecay(weightDecay).build();
            case Adam.NAME:
                return Adam.builder().optWeightDecay(weightDecay).build();
            case Adam.NAME_DECOUPLED:
                return Adam.builder().optWeightDecay(weightDecay).optDecoupledWeightDecay(true).build();
            default:
                throw new IllegalArgumentException("unknown optimizer '" + name + "'; known are " + NAMES);
        }
    }
}
