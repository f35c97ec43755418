package org.prune4j.pruning;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Structured pruning removes channels for real (a smaller model); unstructured zeroes weights (masks). */
public enum PruningKind {
    STRUCTURED, UNSTRUCTURED;

    /** {@code structured} or {@code unstructured}, as specs, run ids and results name it. */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
