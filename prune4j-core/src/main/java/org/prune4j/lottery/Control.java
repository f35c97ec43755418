package org.prune4j.lottery;

import java.util.Locale;

/**
 * The lottery-ticket paper's controls, trained like the ticket in every round: its masks with
 * new random weights, or random masks with the ticket's per-layer sparsity and starting weights.
 */
public enum Control {
    REINIT("reinit"),
    RANDOM_MASKS("random-masks");

    private final String label;

    Control(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Control parse(String text) {
        for (Control c : values()) {
            if (c.label.equals(text.trim().toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown control '" + text + "'; known are reinit and random-masks");
    }
}
