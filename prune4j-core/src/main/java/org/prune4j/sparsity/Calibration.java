package org.prune4j.sparsity;

import org.prune4j.data.DataLoader;

/** The batches data-driven criteria see: the first {@code batches} of the loader's first epoch. */
public record Calibration(DataLoader loader, int batches) {

    public Calibration {
        if (loader == null) {
            throw new IllegalArgumentException("calibration needs a data loader");
        }
        if (batches < 1) {
            throw new IllegalArgumentException("calibration batches must be at least 1, got " + batches);
        }
    }
}
