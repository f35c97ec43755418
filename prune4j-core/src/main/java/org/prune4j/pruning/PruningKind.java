package org.prune4j.pruning;

import java.util.Locale;

/** Structured pruning removes channels for real (a smaller model); unstructured zeroes weights (masks). */
public enum PruningKind {
    STRUCTURED, UNSTRUCTURED;

    /** {@code structured} or {@code unstructured}, as specs, run ids and results name it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
