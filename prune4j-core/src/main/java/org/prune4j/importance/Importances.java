package org.prune4j.importance;

import java.util.List;
import java.util.Locale;

/** The criteria, found by name: random, l1, l2, bn-scale, taylor, taylor-activation. */
public final class Importances {

    public static final List<String> NAMES = List.of("random", "l1", "l2", "bn-scale", "taylor", "taylor-activation");

    private Importances() {}

    /** A fresh criterion (data-driven ones accumulate state, so make one per pruning step). */
    public static Importance create(String name, long seed) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "random":
                return new RandomImportance(seed);
            case "l1":
                return new MagnitudeImportance(1);
            case "l2":
                return new MagnitudeImportance(2);
            case "bn-scale":
                return new BatchNormScaleImportance();
            case "taylor":
                return new TaylorWeightImportance();
            case "taylor-activation":
                return new TaylorActivationImportance();
            default:
                throw new IllegalArgumentException("unknown method '" + name + "'; known are " + NAMES);
        }
    }
}
