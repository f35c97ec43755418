package org.prune4j.train.listener;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.prune4j.train.EpochStats;
import org.prune4j.train.TrainingContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends one JSON object per epoch to a file (JSON Lines), for plots and later analysis. */
public final class MetricsFileListener implements TrainingListener {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public MetricsFileListener(Path file) {
        this.file = file;
    }

    /** Starts the file afresh: a rerun into the same directory must not mix two runs' lines. */
    @Override
    public void onTrainingBegin(TrainingContext context) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace metrics file " + file, e);
        }
    }

    @Override
    public void onEpochEnd(TrainingContext context, EpochStats stats) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, JSON.writeValueAsString(stats.toMap()) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append metrics to " + file, e);
        }
    }
}
