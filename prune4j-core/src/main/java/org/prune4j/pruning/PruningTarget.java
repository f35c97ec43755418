package org.prune4j.pruning;

import java.util.Locale;

/**
 * What a pruning run must reach: {@code ratio=0.3} (remove 30% of the channels),
 * {@code macs=2x} (half the multiply-accumulates) or {@code params=2x} (half the parameters).
 */
public record PruningTarget(Kind kind, double value) {

    /** The quantity the target bounds. */
    public enum Kind { RATIO, MACS, PARAMS }

    public PruningTarget {
        if (kind == Kind.RATIO && !(value > 0 && value < 1)) {
            throw new IllegalArgumentException("ratio must be in (0, 1), got " + value);
        }
        if (kind != Kind.RATIO && !(value > 1)) {
            throw new IllegalArgumentException(kind.name().toLowerCase(Locale.ROOT)
                    + " reduction must be above 1x, got " + value + "x");
        }
    }

    /** Parses {@code ratio=0.3}, {@code macs=2x}, {@code params=1.5x}. */
    public static PruningTarget parse(String text) {
        String[] kv = text.trim().toLowerCase(Locale.ROOT).split("=", 2);
        String allowed = "expected ratio=R with R in (0,1), macs=Nx or params=Nx with N > 1";
        if (kv.length != 2) {
            throw new IllegalArgumentException("target '" + text + "': " + allowed);
        }
        Kind kind;
        switch (kv[0]) {
            case "ratio":
            case "channels":
                kind = Kind.RATIO;
                break;
            case "macs":
            case "flops":
                kind = Kind.MACS;
                break;
            case "params":
                kind = Kind.PARAMS;
                break;
            default:
                throw new IllegalArgumentException("target '" + text + "': unknown quantity '" + kv[0] + "'; " + allowed);
        }
        String number = kind == Kind.RATIO ? kv[1] : kv[1].replaceAll("x$", "");
        try {
            return new PruningTarget(kind, Double.parseDouble(number));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("target '" + text + "': '" + kv[1] + "' is not a number; " + allowed);
        }
    }

    @Override
    public String toString() {
        String number = value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        return kind == Kind.RATIO ? "ratio=" + number : kind.name().toLowerCase(Locale.ROOT) + "=" + number + "x";
    }
}
