package org.prune4j.evaluation;

import java.util.Random;

/**
 * A distribution shift applied to one image before normalization (pixels in [0, 1], C x H x W,
 * row-major), at a severity from 1 (mild) to 5 (strong); severity 0 leaves the image unchanged.
 * Random corruptions draw only from {@code rng}, which {@link Corruptions#corrupt} seeds per
 * sample, so a corrupted test set is a pure function of (seed, corruption, severity).
 */
public interface Corruption {

    /** The highest severity; conditions use 1 to {@code MAX_SEVERITY}. */
    int MAX_SEVERITY = 5;

    /** The name configs and the CLI use, e.g. {@code gaussian-blur}. */
    String name();

    /** The parameter at each severity 1..5 (a standard deviation, an angle, ...), for reports. */
    double[] levels();

    /** Corrupts {@code image} in place at {@code severity} (0 to 5). */
    void apply(float[] image, int channels, int height, int width, int severity, Random rng);
}
