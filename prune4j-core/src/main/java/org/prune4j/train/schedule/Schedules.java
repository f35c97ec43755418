package org.prune4j.train.schedule;

import java.util.List;
import java.util.Locale;

/**
 * The schedule plug-ins, found by name: {@code constant}, {@code step} (multiply by 0.1 at 50%
 * and 75% of training), {@code cosine} (to zero), {@code onecycle} (warm up over the first 30%
 * to the base rate, then cosine down, as PyTorch's OneCycleLR). Any of them can be preceded by a
 * linear warm-up.
 */
public final class Schedules {

    public static final List<String> NAMES = List.of("constant", "step", "cosine", "onecycle");

    private Schedules() {}

    /**
     * @param baseRate the peak learning rate
     * @param totalSteps optimizer steps in the whole run
     * @param warmupSteps linear warm-up from 0 over this many steps (0 for none)
     */
    public static LearningRateSchedule create(String name, double baseRate, long totalSteps, long warmupSteps) {
        if (!(baseRate > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + baseRate);
        }
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("a schedule needs at least one step, got " + totalSteps);
        }
        if (warmupSteps < 0 || warmupSteps >= totalSteps) {
            throw new IllegalArgumentException(
                    "warm-up steps must be in [0, " + totalSteps + "), got " + warmupSteps);
        }
        LearningRateSchedule main;
        switch (name.toLowerCase(Locale.ROOT)) {
            case "constant":
                main = step -> baseRate;
                break;
            case "step":
                main = multiStep(baseRate, new long[] {totalSteps / 2, totalSteps * 3 / 4}, 0.1);
                break;
            case "cosine":
                main = cosine(baseRate, 0, totalSteps);
                break;
            case "onecycle":
                main = oneCycle(baseRate, totalSteps, 0.3, 25, 1e4);
                break;
            default:
                throw new IllegalArgumentException("unknown schedule '" + name + "'; known are " + NAMES);
        }
        return warmupSteps == 0 ? main : linearWarmup(main, warmupSteps);
    }

    /** Multiplies the rate by {@code gamma} at each milestone step. */
    public static LearningRateSchedule multiStep(double baseRate, long[] milestones, double gamma) {
        return step -> {
            double rate = baseRate;
            for (long m : milestones) {
                if (step >= m) {
                    rate *= gamma;
                }
            }
            return rate;
        };
    }

    /** Cosine annealing from {@code baseRate} to {@code minRate} over {@code totalSteps}. */
    public static LearningRateSchedule cosine(double baseRate, double minRate, long totalSteps) {
        return step -> {
            double t = Math.min(step, totalSteps) / (double) totalSteps;
            return minRate + (baseRate - minRate) * 0.5 * (1 + Math.cos(Math.PI * t));
        };
    }

    /** Scales {@code main} linearly from near zero over the first {@code warmupSteps}. */
    public static LearningRateSchedule linearWarmup(LearningRateSchedule main, long warmupSteps) {
        return step -> step < warmupSteps
                ? main.rateAt(step) * (step + 1) / (double) warmupSteps
                : main.rateAt(step);
    }

    /** PyTorch's OneCycleLR with cosine annealing in both phases. */
    public static LearningRateSchedule oneCycle(double maxRate, long totalSteps, double pctStart,
            double divFactor, double finalDivFactor) {
        double initial = maxRate / divFactor;
        double last = initial / finalDivFactor;
        long upEnd = Math.max(1, (long) (pctStart * totalSteps) - 1);
        long downEnd = totalSteps - 1;
        return step -> {
            if (step <= upEnd) {
                return anneal(initial, maxRate, step / (double) upEnd);
            }
            double t = Math.min(1, (step - upEnd) / (double) Math.max(1, downEnd - upEnd));
            return anneal(maxRate, last, t);
        };
    }

    private static double anneal(double from, double to, double t) {
        return to + (from - to) / 2 * (1 + Math.cos(Math.PI * t));
    }
}
