package org.prune4j.sparsity;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import org.prune4j.data.Batch;
import org.prune4j.data.DataLoader;
import org.prune4j.model.Model;

import java.util.function.BiConsumer;

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

    /** Runs {@code body} on each batch (images, labels) inside its own NDManager, freed afterwards. */
    public void forEach(Model model, BiConsumer<NDManager, NDList> body) {
        int seen = 0;
        for (Batch batch : loader.epoch(0)) {
            if (seen++ == batches) {
                break;
            }
            try (NDManager step = model.manager().newSubManager()) {
                body.accept(step, batch.toNDList(step));
            }
        }
    }
}
