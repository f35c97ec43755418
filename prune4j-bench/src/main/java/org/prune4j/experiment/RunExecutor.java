package org.prune4j.experiment;

import org.prune4j.criterion.Normalizer;
import org.prune4j.engine.Engines;
import org.prune4j.evaluation.BehaviourEvaluation;
import org.prune4j.lottery.IterativeMagnitudePruning;
import org.prune4j.lottery.LotteryResult;
import org.prune4j.metrics.SparsityStats;
import org.prune4j.model.Checkpoint;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.model.Provenance;
import org.prune4j.pruning.EigenDamagePruner;
import org.prune4j.pruning.PruningMethod;
import org.prune4j.pruning.PruningResult;
import org.prune4j.pruning.PruningRun;
import org.prune4j.pruning.PruningSchedule;
import org.prune4j.pruning.PruningSchedules;
import org.prune4j.pruning.regime.Regimes;
import org.prune4j.pruning.PruningTarget;
import org.prune4j.pruning.StructuredPruner;
import org.prune4j.sparsity.MaskedTraining;
import org.prune4j.sparsity.PrunableWeights;
import org.prune4j.sparsity.UnstructuredPruner;
import org.prune4j.sparsity.WeightMasks;
import org.prune4j.train.DataSplits;
import org.prune4j.train.EvalResult;
import org.prune4j.train.Evaluator;
import org.prune4j.train.Trainer;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Executes one run: the dense run trains (zoo model) or loads (checkpoint) the base model and
 * saves it for the others; a pruning run is one {@link PruningRun} from it with the run's method,
 * budget and schedule. Pruning-at-initialization methods prune a freshly initialized copy and
 * train it with the dense training recipe instead; a lottery run trains its own dense model and
 * prunes it round by round, keeping its states so that an interrupted run resumes.
 */
final class RunExecutor {

    private final DataSplits data;
    private final Path modelsDir;
    private final boolean measureLatency;
    private final Consumer<String> log;
    /** A from-scratch run's initialization seed is its seed plus this: never the dense model's initialization. */
    static final long SCRATCH_SEED_OFFSET = 1_000_003;

    RunExecutor(DataSplits data, Path modelsDir, boolean measureLatency, Consumer<String> log) {
        this.data = data;
        this.modelsDir = modelsDir;
        this.measureLatency = measureLatency;
        this.log = log;
    }

    Path denseCheckpoint(RunSettings dense) {
        return modelsDir.resolve("dense-" + dense.id() + ".p4j");
    }

    /** The model a finished run saved: its base model for a dense run, its last ticket for a lottery run, else its pruned model. */
    Path modelFile(RunSettings s) {
        return s.dense() ? denseCheckpoint(s) : s.kind() == RunKind.LOTTERY ? lotteryDir(s).resolve("ticket.p4j")
                : modelsDir.resolve(s.id() + ".p4j");
    }

    /** The dense model a run's behaviour is compared with. */
    Path referenceFile(RunSettings s) {
        return s.dense() ? denseCheckpoint(s) : s.kind() == RunKind.LOTTERY ? lotteryDir(s).resolve("dense.p4j")
                : denseCheckpoint(s.denseBase());
    }

    /** A lottery run's saved states (dense model, rewind states, every round's ticket and masks). */
    Path lotteryDir(RunSettings s) {
        return modelsDir.resolve("lottery-" + s.id());
    }

    /** Runs it; returns the metrics and the provenance of the resulting model. */
    Result execute(RunSettings s) {
        return switch (s.kind()) {
            case DENSE -> dense(s);
            case LOTTERY -> lottery(s);
            default -> s.fromScratch() ? scratch(s) : pruned(s);
        };
    }

    /**
     * Refuses, before any run trains, what would fail later: a lottery run's rewind beyond the
     * dense training, a data split count the data cannot give, or saved states that are missing
     * or were saved with other settings.
     */
    void check(RunSettings s) {
        if (s.kind() == RunKind.LOTTERY) {
            try (Model model = freshModel(s)) {
                lotteryRun(s, model).checkSavedState();
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new IllegalArgumentException(s.label() + ": " + e.getMessage(), e);
            }
        }
    }

    record Result(RunMetrics metrics, Map<String, Object> provenance) {}

    private Result dense(RunSettings s) {
        long start = System.nanoTime();
        Map<String, Object> details = new LinkedHashMap<>();
        Path out = denseCheckpoint(s);
        try (Model model = s.modelDigest() != null ? Checkpoint.load(Path.of(s.model())) : trainFromScratch(s, details)) {
            long evalStart = System.nanoTime();
            EvalResult eval = Evaluator.evaluate(model, data.testLoader());
            details.put("evalSeconds", seconds(evalStart));
            details.put("before", eval);
            details.put("behaviour", BehaviourEvaluation.builder().setModel(model).setData(data.name(), data.test())
                    .build().run());
            SparsityStats stats = SparsityStats.of(model);
            details.put("layerSparsity", stats.layerSparsity());
            Checkpoint.save(model, out); // atomic: a killed run leaves no half file
            return new Result(RunMetrics.ofDense(eval, stats, size(out), seconds(start), details),
                    model.provenance() == null ? null : model.provenance().toMap());
        }
    }

    /**
     * Fine-tuning's counterpart (Liu et al., "Rethinking the value of network pruning"): the pruned
     * twin's architecture, and for unstructured runs its masks (its zero weights), from a new
     * random initialization — not the dense model's, which would be a lottery ticket — trained
     * with the dense recipe for the dense training's plus the fine-tuning's epochs: the same
     * total epochs the fine-tuned model had.
     */
    private Result scratch(RunSettings s) {
        long start = System.nanoTime();
        RunSettings twin = s.prunedBase();
        TrainingRecipe dense = TrainingRecipe.fromMap(s.pretrain());
        int epochs = dense.epochs() + TrainingRecipe.fromMap(s.fineTune()).epochs();
        TrainingRecipe recipe = dense.toBuilder().setEpochs(epochs).build();
        long initSeed = s.seed() + SCRATCH_SEED_OFFSET;
        try (Model pruned = Checkpoint.load(modelFile(twin))) {
            Engines.seed(initSeed);
            try (Model model = Model.builder().setGraph(pruned.graph()).optSeed(initSeed).build();
                    WeightMasks masks = new WeightMasks(model)) {
                if (s.kind() == RunKind.UNSTRUCTURED) {
                    for (Parameter w : PrunableWeights.of(model, s.includeClassifier())) {
                        masks.set(w, nonZeros(pruned.parameter(w.node(), w.name()).value().toFloatArray()));
                    }
                    masks.apply(model);
                }
                model.setProvenance(Provenance.of("bench-run", s.toMap(), null));
                Trainer.fit(model, recipe, data.trainLoader(recipe),
                        s.kind() == RunKind.UNSTRUCTURED ? List.of(new MaskedTraining(masks)) : List.of());
                EvalResult eval = Evaluator.evaluate(model, data.testLoader());
                Path out = modelFile(s);
                Checkpoint.save(model, out);
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("afterTraining", eval);
                details.put("recipe", recipe.toMap());
                details.put("initializationSeed", initSeed);
                details.put("architectureOf", twin.id());
                details.put("checkpoint", out.getFileName().toString());
                SparsityStats denseStats;
                try (Model reference = Checkpoint.load(denseCheckpoint(s.denseBase()))) {
                    denseStats = SparsityStats.of(reference);
                }
                return new Result(RunMetrics.ofScratch(eval, SparsityStats.of(model), denseStats, size(out),
                        seconds(start), details), model.provenance().toMap());
            }
        }
    }

    private static float[] nonZeros(float[] values) {
        float[] mask = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            mask[i] = values[i] != 0 ? 1 : 0;
        }
        return mask;
    }

    private Result lottery(RunSettings s) {
        try (Model model = freshModel(s)) {
            model.setProvenance(Provenance.of("init", Map.of("model", s.model(), "data", s.data(), "seed", s.seed()),
                    null));
            LotteryResult r = lotteryRun(s, model).run();
            Path dir = lotteryDir(s);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("savedStates", dir.toString());
            details.put("checkpoint", dir.getFileName() + "/ticket.p4j");
            Map<String, Object> provenance = new LinkedHashMap<>(model.provenance().toMap());
            provenance.put("savedStates", listFiles(dir)); // the rewind states and every round's ticket
            return new Result(RunMetrics.ofLottery(r, SparsityStats.of(model), size(modelFile(s)), details), provenance);
        }
    }

    private IterativeMagnitudePruning lotteryRun(RunSettings s, Model model) {
        TrainingRecipe recipe = TrainingRecipe.fromMap(s.pretrain());
        return LotterySpec.configure(IterativeMagnitudePruning.builder(), s.lottery()).setModel(model).setData(data)
                .setTraining(recipe).optOutputDir(lotteryDir(s)).optLog(line -> log.accept("  " + line)).build();
    }

    private static List<String> listFiles(Path dir) {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private Model trainFromScratch(RunSettings s, Map<String, Object> details) {
        TrainingRecipe recipe = TrainingRecipe.fromMap(s.pretrain());
        Model model = freshModel(s);
        try {
            // what the model is; Trainer.fit adds how it was trained
            model.setProvenance(Provenance.of("init", Map.of("model", s.model(), "data", s.data(), "seed", s.seed()),
                    null));
            long start = System.nanoTime();
            Trainer.fit(model, recipe, data.trainLoader(recipe), List.of());
            details.put("trainSeconds", seconds(start));
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private Model freshModel(RunSettings s) {
        Engines.seed(s.seed());
        ZooOptions options = new ZooOptions(data.train().channels(), data.train().height(), data.train().numClasses(), 1.0);
        return Model.builder().setGraph(ModelZoo.build(s.model(), options)).optSeed(s.seed()).build();
    }

    private Result pruned(RunSettings s) {
        Path denseFile = denseCheckpoint(s.denseBase());
        TrainingRecipe fineTune = TrainingRecipe.fromMap(s.fineTune());
        PruningMethod method = method(s);
        // pruning at initialization trains the pruned network with the dense model's recipe
        TrainingRecipe recipe = method.atInitialization() ? TrainingRecipe.fromMap(s.pretrain()) : fineTune;
        Supplier<Model> start = method.atInitialization() ? () -> initializedLike(denseFile, s.seed()) : null;
        Path out = modelFile(s);
        PruningResult r = PruningRun.builder().setReference(() -> Checkpoint.load(denseFile)).optStart(start)
                .setData(data).setMethod(method)
                .setSchedule(schedule(s, recipe))
                .setFineTune(recipe).optCalibrationRecipe(fineTune).optCalibrationBatches(s.calibrationBatches())
                .optMeasureLatency(measureLatency).optSeed(s.seed())
                .build().run(model -> {
                    model.setProvenance(Provenance.of("bench-run", s.toMap(), model.provenance()));
                    Checkpoint.save(model, out); // atomic: a killed run leaves no half file
                });
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("fineTuneRecipe", recipe.toMap());
        extra.put("sizeBytesDense", size(denseFile));
        extra.put("checkpoint", out.getFileName().toString());
        return new Result(RunMetrics.ofPruning(r, size(out), extra), r.provenance().toMap());
    }

    /** The run's schedule, or its regime when it prunes while training. */
    private static PruningSchedule schedule(RunSettings s, TrainingRecipe recipe) {
        if (s.regime() != null) {
            return Regimes.create((String) s.regime().get("name"), BenchSpec.regimeOptions(s.regime()), s.seed());
        }
        return PruningSchedules.create(s.schedule(), new PruningSchedules.Options(Math.max(1, s.scheduleSteps()),
                recipe.epochs()));
    }

    /** The run's pruner: a structured criterion with its budget, or an unstructured method. */
    private static PruningMethod method(RunSettings s) {
        if (s.kind() == RunKind.STRUCTURED && EigenDamagePruner.NAME.equals(s.method())) {
            return EigenDamagePruner.builder().setTarget(PruningTarget.parse(s.target())).build();
        }
        if (s.kind() == RunKind.STRUCTURED) {
            return StructuredPruner.builder().setCriterion(s.method()).setTarget(PruningTarget.parse(s.target()))
                    .optAllocation(s.scope()).optNormalizer(Normalizer.parse(s.normalizer()))
                    .optRoundTo(s.roundTo()).optSeed(s.seed()).build();
        }
        UnstructuredPruner.Builder b = UnstructuredPruner.builder().setMethod(s.method())
                .optIncludeClassifier(s.includeClassifier()).optSeed(s.seed());
        if (s.compression() != null) {
            b.setCompression(s.compression());
        }
        return b.build();
    }

    /** A freshly initialized model of the dense one's architecture (pruning at initialization). */
    private static Model initializedLike(Path denseFile, long seed) {
        try (Model dense = Checkpoint.load(denseFile)) {
            Engines.seed(seed);
            return Model.builder().setGraph(dense.graph()).optSeed(seed).optProvenance(dense.provenance()).build();
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
