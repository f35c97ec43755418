package org.prune4j.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.prune4j.pruning.PruningSchedules;
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
 * same id and is never done twice; a changed setting is a new run. Settings added after the
 * first results stores existed enter the id only when they differ from what runs did before
 * them (structured runs: schedule one-shot, normalizer mean, round-to 1), so old stores resume.
 *
 * @param model zoo name or checkpoint path; {@code modelDigest} is the checkpoint's SHA-256 (null for zoo models)
 * @param method the unstructured method or the structured criterion; {@code dense} for dense runs,
 *     {@code lottery} for lottery runs
 * @param lottery a lottery run's variant (see {@link LotterySpec}); null for other runs
 * @param regime a pruning run's regime that prunes while training (name, epochs, passes, and
 *     strength when given; see {@link org.prune4j.pruning.regime.Regimes}); null for the schedule alone
 * @param retrain {@link #FINE_TUNE} or, for the twin of a pruning run, {@link #SCRATCH}: its pruned
 *     architecture (and masks) from a new random initialization, trained for the dense training's
 *     plus the fine-tuning's epochs
 */
public record RunSettings(RunKind kind, String model, String modelDigest, String data, Integer trainLimit,
        Integer testLimit, Map<String, Object> pretrain, Map<String, Object> fineTune, String method,
        Double compression, String target, String scope, String normalizer, int roundTo, String schedule,
        int scheduleSteps, int calibrationBatches, boolean includeClassifier, long seed, Map<String, Object> lottery,
        Map<String, Object> regime, String retrain) {

    /** A pruning run's retraining: fine-tune the pruned weights (default) or train the pruned architecture anew. */
    public static final String FINE_TUNE = "finetune";
    public static final String SCRATCH = "scratch";

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    public static Builder builder() {
        return new Builder();
    }

    public boolean dense() {
        return kind == RunKind.DENSE;
    }

    /** Whether this run trains its pruning twin's architecture from a new initialization. */
    public boolean fromScratch() {
        return SCRATCH.equals(retrain);
    }

    /** The pruning run whose architecture (and masks) a from-scratch run trains. */
    public RunSettings prunedBase() {
        return withRetrain(FINE_TUNE);
    }

    /** The same run with another retraining. */
    public RunSettings withRetrain(String other) {
        return new RunSettings(kind, model, modelDigest, data, trainLimit, testLimit, pretrain, fineTune, method,
                compression, target, scope, normalizer, roundTo, schedule, scheduleSteps, calibrationBatches,
                includeClassifier, seed, lottery, regime, other);
    }

    /** The settings of the dense run this run starts from. */
    public RunSettings denseBase() {
        return dense(model, modelDigest, data, trainLimit, testLimit, pretrain, seed);
    }

    /** The dense run: train (zoo model) or load (checkpoint) the base model. The one place that makes it. */
    public static RunSettings dense(String model, String modelDigest, String data, Integer trainLimit, Integer testLimit,
            Map<String, Object> pretrain, long seed) {
        return builder().setKind(RunKind.DENSE).setModel(model, modelDigest).setData(data, trainLimit, testLimit)
                .setPretrain(pretrain).setMethod("dense").optCompression(1.0).optSeed(seed).build();
    }

    /** The settings that decide this run's result, and nothing else (the id hashes exactly this). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind.label());
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
        if (kind == RunKind.LOTTERY) {
            m.put("method", method);
            m.put("pretrain", pretrain); // the dense training every round replays
            m.put("lottery", lottery);
            return m;
        }
        if (!dense()) {
            m.put("method", method);
            m.put("fineTune", fineTune);
            m.put("calibrationBatches", calibrationBatches);
        }
        if (kind == RunKind.UNSTRUCTURED) {
            if (regime != null) {
                m.put("regime", regime);
            }
            m.put("compression", compression);
            m.put("schedule", schedule);
            m.put("scheduleSteps", schedule.equals(PruningSchedules.Iterative.NAME) ? scheduleSteps : null);
            m.put("includeClassifier", includeClassifier);
            if (modelDigest != null && UnstructuredMethods.get(method).atInitialization()) {
                m.put("pretrain", pretrain); // pruning at initialization trains with it
            }
        }
        if (fromScratch()) {
            m.put("retrain", retrain);
            m.put("pretrain", pretrain); // its training's recipe
        }
        if (kind == RunKind.STRUCTURED) {
            m.put("target", target);
            m.put("scope", scope);
            if (!schedule.equals(PruningSchedules.OneShot.NAME)) {
                m.put("schedule", schedule);
                m.put("scheduleSteps", schedule.equals(PruningSchedules.Iterative.NAME) ? scheduleSteps : null);
            }
            if (!normalizer.equals("mean")) {
                m.put("normalizer", normalizer);
            }
            if (roundTo != 1) {
                m.put("roundTo", roundTo);
            }
            if (regime != null) {
                m.put("regime", regime);
            }
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

    /** A short label for logs: {@code lenet5 global-magnitude ×8 seed 0}, {@code resnet20 structured l1 macs=2x global seed 0}. */
    public String label() {
        if (kind == RunKind.LOTTERY) {
            return model + " lottery " + LotterySpec.label(lottery) + " seed " + seed;
        }
        String budget = dense() ? "" : kind == RunKind.STRUCTURED ? " " + target + " " + scope : compression == null
                ? "" : " ×" + (compression == Math.rint(compression) ? String.valueOf(compression.longValue()) : compression);
        String sched = dense() || schedule.equals(PruningSchedules.OneShot.NAME) ? "" : " " + schedule;
        if (regime != null) {
            sched = " " + regime.get("name");
        }
        return model + " " + (kind == RunKind.STRUCTURED ? "structured " : "") + method + budget + sched
                + (fromScratch() ? " from scratch" : "") + " seed " + seed;
    }

    /** Kind, model, data and method are required; the rest default to a one-shot run without limits. */
    public static final class Builder {
        private RunKind kind;
        private String model;
        private String modelDigest;
        private String data;
        private Integer trainLimit;
        private Integer testLimit;
        private Map<String, Object> pretrain;
        private Map<String, Object> fineTune;
        private String method;
        private Double compression;
        private String target;
        private String scope;
        private String normalizer = "mean";
        private int roundTo = 1;
        private String schedule = PruningSchedules.OneShot.NAME;
        private int scheduleSteps;
        private int calibrationBatches;
        private boolean includeClassifier;
        private long seed;
        private Map<String, Object> lottery;
        private Map<String, Object> regime;
        private String retrain = FINE_TUNE;

        private Builder() {}

        public Builder setKind(RunKind kind) {
            this.kind = kind;
            return this;
        }

        /** A zoo name (digest null) or a checkpoint path and its SHA-256. */
        public Builder setModel(String model, String digest) {
            this.model = model;
            this.modelDigest = digest;
            return this;
        }

        public Builder setData(String data, Integer trainLimit, Integer testLimit) {
            this.data = data;
            this.trainLimit = trainLimit;
            this.testLimit = testLimit;
            return this;
        }

        public Builder setPretrain(Map<String, Object> recipe) {
            this.pretrain = recipe;
            return this;
        }

        public Builder optFineTune(Map<String, Object> recipe) {
            this.fineTune = recipe;
            return this;
        }

        /** The unstructured method or the structured criterion ({@code dense} for dense runs). */
        public Builder setMethod(String method) {
            this.method = method;
            return this;
        }

        /** Unstructured budget; null for N:M patterns. */
        public Builder optCompression(Double compression) {
            this.compression = compression;
            return this;
        }

        /** Structured budget, allocation and selection. */
        public Builder optStructured(String target, String scope, String normalizer, int roundTo) {
            this.target = target;
            this.scope = scope;
            this.normalizer = normalizer;
            this.roundTo = roundTo;
            return this;
        }

        public Builder optSchedule(String schedule, int steps) {
            this.schedule = schedule;
            this.scheduleSteps = steps;
            return this;
        }

        public Builder optCalibrationBatches(int batches) {
            this.calibrationBatches = batches;
            return this;
        }

        public Builder optIncludeClassifier(boolean include) {
            this.includeClassifier = include;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** A lottery run's variant (see {@link LotterySpec}). */
        public Builder optLottery(Map<String, Object> variant) {
            this.lottery = variant;
            return this;
        }

        /** {@link #FINE_TUNE} (default) or {@link #SCRATCH}. */
        /** A regime that prunes while training: name, epochs, passes and (optional) strength. */
        public Builder optRegime(Map<String, Object> regime) {
            this.regime = regime;
            return this;
        }

        public Builder optRetrain(String retrain) {
            this.retrain = retrain;
            return this;
        }

        public RunSettings build() {
            if (kind == null || model == null || data == null || method == null) {
                throw new IllegalArgumentException("run settings need a kind, a model, data and a method");
            }
            if (kind == RunKind.STRUCTURED && (target == null || scope == null)) {
                throw new IllegalArgumentException("a structured run needs a target and a scope (optStructured)");
            }
            if (regime != null && kind != RunKind.STRUCTURED && kind != RunKind.UNSTRUCTURED) {
                throw new IllegalArgumentException("only a pruning run has a regime");
            }
            if ((kind == RunKind.LOTTERY) != (lottery != null)) {
                throw new IllegalArgumentException("a lottery run, and only a lottery run, needs its variant (optLottery)");
            }
            if (!FINE_TUNE.equals(retrain) && !(SCRATCH.equals(retrain)
                    && (kind == RunKind.UNSTRUCTURED || kind == RunKind.STRUCTURED))) {
                throw new IllegalArgumentException("retrain is 'finetune', or 'scratch' for a pruning run, got '" + retrain + "'");
            }
            return new RunSettings(kind, model, modelDigest, data, trainLimit, testLimit, pretrain, fineTune, method,
                    compression, target, scope, normalizer, roundTo, schedule, scheduleSteps, calibrationBatches,
                    includeClassifier, seed, lottery, regime, retrain);
        }
    }
}
