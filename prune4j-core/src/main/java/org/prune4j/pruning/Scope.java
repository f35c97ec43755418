package org.prune4j.pruning;

import java.util.Locale;

/** Uniform: every group loses the same share; global: channels ranked across all groups. */
public enum Scope {
    UNIFORM, GLOBAL;

    public static Scope parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown scope '" + name + "'; known are uniform, global");
        }
    }
}
