package org.prune4j.lottery;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.prune4j.model.AtomicFile;
import org.prune4j.model.Checkpoint;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.sparsity.WeightMasks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The saved states of an iterative magnitude pruning run, so that an interrupted run continues
 * after its last finished round instead of retraining: the dense phase ({@code dense.p4j}, the
 * rewind states {@code init.p4j} and {@code rewind.p4j}, then {@code dense.json}) and per round r
 * the retrained ticket ({@code round-r.p4j}), its masks ({@code round-r-masks.p4j}: the prunable
 * weights hold 0/1) and, written last as the round's commit mark, {@code round-r.json}. A phase
 * counts as finished only when its json exists; every file a finished phase needs is checked
 * before any training, so a deleted rewind state is an error, not a silent restart.
 */
final class LotteryState {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path dir;

    LotteryState(Path dir) {
        this.dir = dir;
    }

    /** What the dense phase left: its accuracy and the two weight states rounds rewind to. */
    record Dense(double top1, WeightSnapshot init, WeightSnapshot rewindPoint) {}

    /**
     * How many rounds are finished; refuses a directory saved with other settings or missing a
     * file the finished work needs (checked before any training).
     */
    int finishedRounds(Map<String, Object> settings) {
        if (!Files.exists(file("dense.json"))) {
            return 0;
        }
        Object saved = readJson("dense.json", Map.class).get("settings");
        if (!asJson(settings).equals(saved)) {
            throw new IllegalStateException(dir + " holds a lottery run with other settings (" + saved
                    + "), not " + settings + ": give another output directory");
        }
        requireAll("dense.p4j", "init.p4j", "rewind.p4j");
        int rounds = 0;
        while (Files.exists(file("round-" + (rounds + 1) + ".json"))) {
            rounds++;
        }
        if (rounds > 0) {
            requireAll("round-" + rounds + ".p4j", "round-" + rounds + "-masks.p4j");
        }
        return rounds;
    }

    boolean denseFinished() {
        return Files.exists(file("dense.json"));
    }

    void saveDense(Model trained, Dense dense, Map<String, Object> settings) {
        Checkpoint.save(trained, file("dense.p4j"));
        saveSnapshot(trained, dense.init(), file("init.p4j"));
        saveSnapshot(trained, dense.rewindPoint(), file("rewind.p4j"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("top1", dense.top1());
        json.put("settings", settings);
        writeJson("dense.json", json);
    }

    /** Restores the trained dense weights (and how they were trained) into {@code model}; returns the rewind states. */
    Dense loadDense(Model model) {
        snapshot("dense.p4j").restore(model);
        model.setProvenance(Checkpoint.readProvenance(file("dense.p4j")));
        double top1 = ((Number) readJson("dense.json", Map.class).get("top1")).doubleValue();
        return new Dense(top1, snapshot("init.p4j"),
                snapshot("rewind.p4j"));
    }

    void saveRound(Model model, WeightMasks masks, LotteryResult.Round round) {
        Checkpoint.save(model, file("round-" + round.round() + ".p4j"));
        try (Model holder = Model.builder().setGraph(model.graph()).build()) {
            for (Parameter p : holder.parameters()) {
                float[] m = masks.get(p.fullName());
                if (m != null) {
                    p.setValue(holder.manager().create(m, p.value().getShape()));
                }
            }
            Checkpoint.save(holder, file("round-" + round.round() + "-masks.p4j"));
        }
        writeJson("round-" + round.round() + ".json", round);
    }

    /** Every finished round's result, in order. */
    List<LotteryResult.Round> rounds(int finished) {
        List<LotteryResult.Round> rounds = new ArrayList<>();
        for (int r = 1; r <= finished; r++) {
            rounds.add(readJson("round-" + r + ".json", LotteryResult.Round.class));
        }
        return rounds;
    }

    /** Restores round {@code r}'s ticket into {@code model} and its masks into {@code masks}. */
    void loadRound(int r, Model model, WeightMasks masks, List<Parameter> prunable) {
        snapshot("round-" + r + ".p4j").restore(model);
        WeightSnapshot saved = snapshot("round-" + r + "-masks.p4j");
        for (Parameter w : prunable) {
            masks.set(w, saved.get(w.fullName()));
        }
    }

    private WeightSnapshot snapshot(String name) {
        try (Model saved = Checkpoint.load(file(name))) {
            return WeightSnapshot.of(saved);
        }
    }

    private void saveSnapshot(Model like, WeightSnapshot snapshot, Path to) {
        try (Model holder = Model.builder().setGraph(like.graph()).build()) {
            snapshot.restore(holder);
            Checkpoint.save(holder, to);
        }
    }

    private void requireAll(String... names) {
        for (String name : names) {
            if (!Files.isRegularFile(file(name))) {
                throw new IllegalStateException("the lottery state " + file(name) + " is missing, but " + dir
                        + " records finished work that needs it; restore the file or delete " + dir + " to start over");
            }
        }
    }

    /** The value as it reads back from JSON (numbers as JSON types), for comparing with a saved one. */
    private static Object asJson(Object value) {
        try {
            return JSON.readValue(JSON.writeValueAsString(value), Object.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(String name) {
        return dir.resolve(name);
    }

    private void writeJson(String name, Object value) {
        try {
            AtomicFile.write(file(name), out -> JSON.writeValue(out, value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file(name), e);
        }
    }

    private <T> T readJson(String name, Class<T> type) {
        try {
            return JSON.readValue(file(name).toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the lottery state " + file(name) + ": " + e.getMessage(), e);
        }
    }
}
