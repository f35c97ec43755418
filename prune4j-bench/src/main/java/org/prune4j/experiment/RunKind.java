package org.prune4j.experiment;

import java.util.Locale;

/** What a run of the grid does: train or load the dense base model, prune it one of two ways, or find lottery tickets. */
public enum RunKind {
    DENSE, UNSTRUCTURED, STRUCTURED, LOTTERY;

    /** {@code dense}, {@code unstructured}, {@code structured} or {@code lottery}: the results store's and the run id's spelling. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind a stored label names (see {@link #label()}). */
    public static RunKind ofLabel(String label) {
        for (RunKind kind : values()) {
            if (kind.label().equals(label)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown run kind '" + label + "'; expected dense, unstructured, structured or lottery");
    }
}
