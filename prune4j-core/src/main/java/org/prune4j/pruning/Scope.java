package org.prune4j.pruning;

import java.util.Locale;

/**
 * The allocation of structured pruning (how the budget is shared between groups): uniform, every
 * group loses the same share; global, channels ranked across all groups.
 */
public enum Scope {
    UNIFORM, GLOBAL;

    /** {@code uniform} or {@code global}, as the CLI and specs name it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Scope parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown scope '" + name + "'; known are uniform, global");
        }
    }
}
