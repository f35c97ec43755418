package org.prune4j.pruning;

import org.prune4j.metrics.ModelSummary;

import java.util.Locale;

/**
 * What a pruning run must reach: {@code ratio=0.3} (remove 30% of the channels),
 * {@code macs=2x} (half the multiply-accumulates), {@code params=2x} (half the parameters) or
 * {@code memory=2x@128} (half the bytes of weights plus every layer's output for a batch of 128;
 * the batch is 1 when not given).
 */
public record PruningTarget(Kind kind, double value, int batch) {

    /** The quantity the target bounds. */
    public enum Kind { RATIO, MACS, PARAMS, MEMORY }

    public PruningTarget(Kind kind, double value) {
        this(kind, value, 1);
    }

    public PruningTarget {
        if (batch < 1 || (kind != Kind.MEMORY && batch != 1)) {
            throw new IllegalArgumentException("a batch size (" + batch + ") is part of memory targets only, and at least 1");
        }
        if (kind == Kind.RATIO && !(value > 0 && value < 1)) {
            throw new IllegalArgumentException("ratio must be in (0, 1), got " + value);
        }
        if (kind != Kind.RATIO && !(value > 1)) {
            throw new IllegalArgumentException(kind.name().toLowerCase(Locale.ROOT)
                    + " reduction must be above 1x, got " + value + "x");
        }
    }

    /** Parses {@code ratio=0.3}, {@code macs=2x}, {@code params=1.5x}, {@code memory=2x} or {@code memory=2x@128}. */
    public static PruningTarget parse(String text) {
        String[] kv = text.trim().toLowerCase(Locale.ROOT).split("=", 2);
        String allowed = "expected ratio=R with R in (0,1), macs=Nx, params=Nx or memory=Nx[@BATCH] with N > 1";
        if (kv.length != 2) {
            throw new IllegalArgumentException("target '" + text + "': " + allowed);
        }
        Kind kind = switch (kv[0]) {
            case "ratio", "channels" -> Kind.RATIO;
            case "macs", "flops" -> Kind.MACS;
            case "params" -> Kind.PARAMS;
            case "memory" -> Kind.MEMORY;
            default -> throw new IllegalArgumentException("target '" + text + "': unknown quantity '" + kv[0] + "'; "
                    + allowed);
        };
        String[] valueAndBatch = kv[1].split("@", 2);
        if (valueAndBatch.length == 2 && kind != Kind.MEMORY) {
            throw new IllegalArgumentException("target '" + text + "': only memory targets take a batch size (@B)");
        }
        String number = kind == Kind.RATIO ? valueAndBatch[0] : valueAndBatch[0].replaceAll("x$", "");
        try {
            int batch = valueAndBatch.length == 2 ? Integer.parseInt(valueAndBatch[1]) : 1;
            return new PruningTarget(kind, Double.parseDouble(number), batch);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("target '" + text + "': '" + kv[1] + "' is not a number; " + allowed);
        }
    }

    /** The bounded quantity of a model (MACs, parameters, or bytes of weights and activations at the batch size). */
    public double measure(ModelSummary s) {
        return switch (kind) {
            case MACS -> s.macs();
            case PARAMS -> s.parameters();
            case MEMORY -> s.weightBytes() + (double) batch * s.activationBytesPerSample();
            case RATIO -> throw new IllegalStateException("a channel ratio is not a model quantity");
        };
    }

    @Override
    public String toString() {
        String number = value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        if (kind == Kind.RATIO) {
            return "ratio=" + number;
        }
        return kind.name().toLowerCase(Locale.ROOT) + "=" + number + "x" + (batch == 1 ? "" : "@" + batch);
    }
}
