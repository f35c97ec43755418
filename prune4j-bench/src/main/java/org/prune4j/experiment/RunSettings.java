package org.prune4j.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.prune4j.sparsity.UnstructuredMethods;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of the grid: everything that decides its result. The id is a hash of exactly these
 * settings (canonical JSON), so the same run in another spec file, or after a restart, has the
 * same id and is never done twice; a changed setting is a new run.
 *
 * @param kind {@code dense} (train or load the base model), {@code unstructured} or {@code structured}
 * @param model zoo name or checkpoint path; {@code modelDigest} is the checkpoint's SHA-256 (null for zoo models)
 */
public record RunSettings(String kind, String model, String modelDigest, String data, Integer trainLimit,
        Integer testLimit, Map<String, Object> pretrain, Map<String, Object> fineTune, String method,
        Double compression, String target, String scope, String schedule, int scheduleSteps,
        int calibrationBatches, boolean includeClassifier, long seed) {

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    public boolean dense() {
        return kind.equals("dense");
    }

    /** The settings of the dense run this run starts from. */
    public RunSettings denseBase() {
        return dense(model, modelDigest, data, trainLimit, testLimit, pretrain, seed);
    }

    /** The dense run: train (zoo model) or load (checkpoint) the base model. The one place that makes it. */
    public static RunSettings dense(String model, String modelDigest, String data, Integer trainLimit, Integer testLimit,
            Map<String, Object> pretrain, long seed) {
        return new RunSettings("dense", model, modelDigest, data, trainLimit, testLimit, pretrain, null, "dense",
                1.0, null, null, null, 0, 0, false, seed);
    }

    /** The settings that decide this run's result, and nothing else (the id hashes exactly this). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        // a checkpoint is identified by its contents, not by where it lies: moving it keeps the runs
        m.put("model", modelDigest == null ? model : null);
        m.put("modelDigest", modelDigest);
        m.put("data", data);
        m.put("trainLimit", trainLimit);
        m.put("testLimit", testLimit);
        m.put("seed", seed);
        if (modelDigest == null) {
            m.put("pretrain", pretrain); // the dense model is trained with it
        }
        if (!dense()) {
            m.put("method", method);
            m.put("fineTune", fineTune);
            m.put("calibrationBatches", calibrationBatches);
        }
        if (kind.equals("unstructured")) {
            m.put("compression", compression);
            m.put("schedule", schedule);
            m.put("scheduleSteps", schedule.equals("iterative") ? scheduleSteps : null);
            m.put("includeClassifier", includeClassifier);
            if (modelDigest != null && UnstructuredMethods.get(method).atInitialization()) {
                m.put("pretrain", pretrain); // pruning at initialization trains with it
            }
        }
        if (kind.equals("structured")) {
            m.put("target", target);
            m.put("scope", scope);
        }
        return m;
    }

    public String id() {
        try {
            byte[] json = CANONICAL.writeValueAsString(toMap()).getBytes(StandardCharsets.UTF_8);
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(json);
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash run settings", e);
        }
    }

    /** A short label for logs: {@code lenet5 global-magnitude ×8 seed 0}. */
    public String label() {
        String budget = dense() ? "" : kind.equals("structured") ? " " + target : compression == null
                ? "" : " ×" + (compression == Math.rint(compression) ? String.valueOf(compression.longValue()) : compression);
        return model + " " + (kind.equals("structured") ? "structured " : "") + method + budget + " seed " + seed;
    }
}
