package org.prune4j.pruning;

import java.util.Map;

/**
 * When pruning happens and how training is interleaved with it: one-shot, iterative, gradual
 * (AGP), and what the coming regimes add (rewinding, learning-rate regimes, sparse training).
 * A schedule only calls {@link PruningSession#pruneTo} and {@link PruningSession#fineTune}, so
 * the same schedule runs structured and unstructured pruning. Found by name in
 * {@link PruningSchedules}.
 */
public interface PruningSchedule {

    /** The registry name, e.g. {@code iterative}. */
    String name();

    /** The schedule's own settings (steps, epochs between them, ...), for provenance and run ids. */
    Map<String, Object> settings();

    /**
     * Refuses a fine-tuning length this schedule cannot run with (called when a run is built,
     * before any model is loaded). Nothing by default.
     */
    default void check(int fineTuneEpochs) {}

    /** Refuses a method this schedule cannot drive (called when a run is built, before any model is loaded). Nothing by default. */
    default void check(PruningMethod method) {}

    /** Prunes to the full budget and trains, through {@code session}. */
    void run(PruningSession session);
}
