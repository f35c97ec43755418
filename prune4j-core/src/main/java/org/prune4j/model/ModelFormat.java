package org.prune4j.model;

import java.nio.file.Path;

/**
 * How a model is read from and written to a file. prune4j checkpoints are built in; the
 * prune4j-onnx module adds ONNX, so a job that loads and saves models works on either.
 */
public interface ModelFormat {

    Model load(Path file);

    void save(Model model, Path file);

    /** The provenance stored in the file, read without loading the model; null when there is none. */
    Provenance readProvenance(Path file);

    /** prune4j's own checkpoint zip ({@link Checkpoint}). */
    ModelFormat CHECKPOINT = new ModelFormat() {
        @Override
        public Model load(Path file) {
            return Checkpoint.load(file);
        }

        @Override
        public void save(Model model, Path file) {
            Checkpoint.save(model, file);
        }

        @Override
        public Provenance readProvenance(Path file) {
            return Checkpoint.readProvenance(file);
        }

        @Override
        public String toString() {
            return "prune4j checkpoint";
        }
    };
}
