package org.prune4j.evaluation;

import org.prune4j.data.ImageDataset;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The image corruptions prune4j evaluates under, found by name, and the corrupted copy of a data
 * set. They follow Hendrycks &amp; Dietterich's ImageNet-C/CIFAR-10-C and Mu &amp; Gilmer's
 * MNIST-C, with levels chosen so that severity 5 costs a dense Fashion-MNIST model tens of
 * accuracy points; {@link Corruption#levels()} gives each one's parameters for reports.
 */
public final class Corruptions {

    private static final Map<String, Corruption> BY_NAME = new LinkedHashMap<>();

    static {
        register(new Leveled("gaussian-noise", new double[] {0.08, 0.12, 0.18, 0.26, 0.38},
                (img, c, h, w, sd, rng) -> {
                    for (int i = 0; i < img.length; i++) {
                        img[i] += (float) (sd * rng.nextGaussian());
                    }
                }));
        register(new Leveled("brightness", new double[] {0.1, 0.2, 0.3, 0.4, 0.5},
                (img, c, h, w, delta, rng) -> {
                    for (int i = 0; i < img.length; i++) {
                        img[i] += (float) delta;
                    }
                }));
        register(new Leveled("contrast", new double[] {0.75, 0.5, 0.4, 0.3, 0.15},
                (img, c, h, w, factor, rng) -> ImageGeometry.scaleContrast(img, c, h * w, (float) factor)));
        register(new Leveled("gaussian-blur", new double[] {0.5, 0.75, 1.0, 1.25, 1.5},
                (img, c, h, w, sigma, rng) -> ImageGeometry.blur(img, c, h, w, sigma * w / 28.0)));
        register(new Leveled("rotation", new double[] {6, 12, 18, 24, 30},
                (img, c, h, w, degrees, rng) ->
                        ImageGeometry.rotate(img, c, h, w, Math.toRadians(rng.nextBoolean() ? degrees : -degrees))));
        register(new Leveled("translation", new double[] {0.04, 0.08, 0.12, 0.16, 0.2},
                (img, c, h, w, fraction, rng) -> {
                    double direction = rng.nextDouble() * 2 * Math.PI;
                    ImageGeometry.translate(img, c, h, w, (int) Math.round(fraction * w * Math.cos(direction)),
                            (int) Math.round(fraction * h * Math.sin(direction)));
                }));
        register(new Leveled("impulse-noise", new double[] {0.02, 0.04, 0.08, 0.12, 0.18},
                (img, c, h, w, amount, rng) -> {
                    for (int i = 0; i < img.length; i++) {
                        if (rng.nextDouble() < amount) {
                            img[i] = rng.nextBoolean() ? 1f : 0f; // salt or pepper
                        }
                    }
                }));
        register(new Leveled("speckle-noise", new double[] {0.1, 0.2, 0.35, 0.45, 0.6},
                (img, c, h, w, sd, rng) -> {
                    for (int i = 0; i < img.length; i++) {
                        img[i] += (float) (img[i] * sd * rng.nextGaussian());
                    }
                }));
    }

    private Corruptions() {}

    private static void register(Corruption c) {
        BY_NAME.put(c.name(), c);
    }

    /** Every corruption's name, in a fixed order. */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    /** The corruption called {@code name}; an unknown name is refused with the list of known ones. */
    public static Corruption byName(String name) {
        Corruption c = BY_NAME.get(name);
        if (c == null) {
            throw new IllegalArgumentException("unknown corruption '" + name + "'; known are " + names());
        }
        return c;
    }

    /** Checks a requested severity: conditions run at 1 to 5. */
    public static int checkSeverity(int severity) {
        if (severity < 1 || severity > Corruption.MAX_SEVERITY) {
            throw new IllegalArgumentException("severity " + severity + " is outside 1-" + Corruption.MAX_SEVERITY);
        }
        return severity;
    }

    /**
     * A corrupted copy of {@code data}: sample {@code i} corrupted with a generator seeded from
     * (seed, corruption, severity, i), so each sample's corruption does not depend on batching or
     * on which other conditions run. Pixels are clipped to [0, 1].
     */
    public static ImageDataset corrupt(ImageDataset data, Corruption corruption, int severity, long seed) {
        int n = data.size();
        int size = data.sampleSize();
        float[] pixels = new float[n * size];
        float[] sample = new float[size];
        long base = mix(mix(seed, corruption.name().hashCode()), severity);
        for (int i = 0; i < n; i++) {
            data.copySample(i, sample);
            corruption.apply(sample, data.channels(), data.height(), data.width(), severity, new Random(mix(base, i)));
            if (severity > 0) {
                for (int j = 0; j < size; j++) {
                    sample[j] = Math.min(1f, Math.max(0f, sample[j]));
                }
            }
            System.arraycopy(sample, 0, pixels, i * size, size);
        }
        return data.withPixels(data.name() + "/" + corruption.name() + "@" + severity, pixels);
    }

    /** SplitMix64 of a combined key: consecutive keys give unrelated {@link Random} streams. */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A corruption whose severity picks one parameter from a table. */
    private record Leveled(String name, double[] levels, Kernel kernel) implements Corruption {

        @Override
        public double[] levels() {
            return levels.clone();
        }

        @Override
        public void apply(float[] image, int channels, int height, int width, int severity, Random rng) {
            if (severity < 0 || severity > MAX_SEVERITY) {
                throw new IllegalArgumentException("severity " + severity + " of " + name + " is outside 0-"
                        + MAX_SEVERITY);
            }
            if (severity > 0) {
                kernel.apply(image, channels, height, width, levels[severity - 1], rng);
            }
        }
    }

    @FunctionalInterface
    private interface Kernel {
        void apply(float[] image, int channels, int height, int width, double level, Random rng);
    }

    /** The conditions "name@severity" for the given names and severities, each checked. */
    public static List<Condition> conditions(List<String> names, List<Integer> severities) {
        List<Condition> out = new ArrayList<>();
        for (String name : names) {
            Corruption c = byName(name);
            for (int s : severities) {
                out.add(new Condition(c, checkSeverity(s)));
            }
        }
        return out;
    }

    /** One corruption at one severity. */
    public record Condition(Corruption corruption, int severity) {
        public String label() {
            return corruption.name() + "@" + severity;
        }
    }
}
