package org.prune4j.pruning;

/**
 * How far a {@link PruningSchedule} has come toward the budget, and how the way is divided. With
 * {@code kept} the final kept share of what the budget counts (channels, MACs, parameters):
 * <ul>
 *   <li>{@link #geometric}: at {@code t} the kept share is {@code kept^t}, so every step of an
 *       iterative schedule removes the same fraction of what is left;</li>
 *   <li>{@link #cubic}: the removed share grows as {@code (1 − kept)·(1 − (1 − t)³)}, the
 *       gradual schedule of Zhu &amp; Gupta (2017, "AGP"): fast early, slow at the end.</li>
 * </ul>
 * {@code t} runs from 0 (nothing removed) to 1 (the budget reached).
 */
public record Progress(double t, boolean cubic) {

    public Progress {
        if (!(t >= 0 && t <= 1)) {
            throw new IllegalArgumentException("progress must be in [0, 1], got " + t);
        }
    }

    public static Progress geometric(double t) {
        return new Progress(t, false);
    }

    public static Progress cubic(double t) {
        return new Progress(t, true);
    }

    /** The budget reached: {@code geometric(1)}. */
    public static Progress done() {
        return geometric(1);
    }

    public boolean complete() {
        return t == 1;
    }

    /** The removed share at this point, for a budget whose final removed share is {@code finalRemoved}. */
    public double removedShare(double finalRemoved) {
        return cubic ? finalRemoved * (1 - Math.pow(1 - t, 3)) : 1 - Math.pow(1 - finalRemoved, t);
    }
}
