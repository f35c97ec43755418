package org.prune4j.lottery;

import java.util.Locale;

/**
 * What a lottery-ticket round does after pruning, before it retrains (Frankle &amp; Carbin 2019;
 * Renda et al. 2020): the kept weights go back to their initial values ({@code init}) or to the
 * values they had at step k of the dense training ({@code iteration:k}), or keep their trained
 * values and replay the learning-rate schedule from step k ({@code lr}, {@code lr:k}), or keep
 * them and train at the schedule's final rate ({@code finetune}). Every round retrains the
 * dense training's steps minus {@link #step()}, so that weight and learning-rate rewinding to the
 * same step get the same budget.
 *
 * @param step the dense training's step the weights or the learning rate go back to
 */
public record Rewind(Kind kind, long step) {

    /** Where the weights and the learning rate of a round start. */
    public enum Kind {
        /** Weights and schedule from step {@code step} of the dense training (0: the initialization). */
        WEIGHTS,
        /** Trained weights; the schedule replayed from step {@code step}. */
        LEARNING_RATE,
        /** Trained weights; the schedule's final rate throughout. */
        FINE_TUNE
    }

    public Rewind {
        if (step < 0) {
            throw new IllegalArgumentException("a rewind step is 0 or more, got " + step);
        }
    }

    public static Rewind init() {
        return new Rewind(Kind.WEIGHTS, 0);
    }

    /** Reads {@code init}, {@code iteration:K}, {@code lr}, {@code lr:K} or {@code finetune}. */
    public static Rewind parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.equals("init")) {
                return init();
            } else if (t.startsWith("iteration:")) {
                return new Rewind(Kind.WEIGHTS, Long.parseLong(t.substring("iteration:".length())));
            } else if (t.equals("lr")) {
                return new Rewind(Kind.LEARNING_RATE, 0);
            } else if (t.startsWith("lr:")) {
                return new Rewind(Kind.LEARNING_RATE, Long.parseLong(t.substring("lr:".length())));
            } else if (t.equals("finetune")) {
                return new Rewind(Kind.FINE_TUNE, 0);
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException("unknown rewind '" + text + "'; expected init, iteration:K, lr, lr:K or "
                + "finetune (K a training step of the dense model, 0 or more)");
    }

    /** Refuses a step the dense training never reaches, before any training. */
    public void check(long denseSteps) {
        if (step > denseSteps) {
            throw new IllegalArgumentException("rewind " + this + " goes to step " + step + ", beyond the dense "
                    + "training's " + denseSteps + " steps");
        }
    }

    /** Whether the round starts from saved weights (otherwise from the trained ones). */
    public boolean restoresWeights() {
        return kind == Kind.WEIGHTS;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case WEIGHTS -> step == 0 ? "init" : "iteration:" + step;
            case LEARNING_RATE -> step == 0 ? "lr" : "lr:" + step;
            case FINE_TUNE -> "finetune";
        };
    }
}
