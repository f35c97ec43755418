package org.prune4j.evaluation;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes one CSV row per example and condition: {@code condition,index,label,predicted,p0..pK-1},
 * so that every behaviour figure can be recomputed outside prune4j.
 */
public final class PredictionsCsv implements PredictionsSink, AutoCloseable {

    private final Path file;
    private final BufferedWriter out;
    private int classes = -1;

    public PredictionsCsv(Path file) {
        this.file = file;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            this.out = Files.newBufferedWriter(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write predictions to " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void accept(String condition, Predictions p) {
        try {
            if (classes < 0) {
                classes = p.classes();
                out.write("condition,index,label,predicted");
                for (int k = 0; k < classes; k++) {
                    out.write(",p" + k);
                }
                out.newLine();
            }
            StringBuilder row = new StringBuilder();
            for (int i = 0; i < p.size(); i++) {
                row.setLength(0);
                row.append(condition).append(',').append(i).append(',').append(p.label(i)).append(',')
                        .append(p.predicted(i));
                for (int k = 0; k < classes; k++) {
                    row.append(',').append(p.probability(i, k));
                }
                out.write(row.toString());
                out.newLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write predictions to " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write predictions to " + file + ": " + e.getMessage(), e);
        }
    }
}
