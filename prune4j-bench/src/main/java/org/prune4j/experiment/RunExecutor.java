package org.prune4j.experiment;

import org.prune4j.benchmark.LatencyBenchmark;
import org.prune4j.data.DataLoader;
import org.prune4j.engine.Engines;
import org.prune4j.model.Checkpoint;
import org.prune4j.model.Model;
import org.prune4j.model.Provenance;
import org.prune4j.pruning.PruningTarget;
import org.prune4j.pruning.Scope;
import org.prune4j.pruning.StructuredPruner;
import org.prune4j.criterion.Calibration;
import org.prune4j.sparsity.GradualPruning;
import org.prune4j.sparsity.MaskedTraining;
import org.prune4j.sparsity.PrunableWeights;
import org.prune4j.sparsity.SparsityStats;
import org.prune4j.sparsity.UnstructuredMethod;
import org.prune4j.sparsity.UnstructuredMethods;
import org.prune4j.sparsity.UnstructuredPruner;
import org.prune4j.sparsity.WeightMasks;
import org.prune4j.train.EvalResult;
import org.prune4j.train.Evaluator;
import org.prune4j.train.Trainer;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.train.listener.TrainingListener;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Executes one run: the dense run trains (zoo model) or loads (checkpoint) the base model and
 * saves it for the others; a pruning run loads it, prunes with the run's method, budget and
 * schedule, fine-tunes (masks held), and measures everything {@link RunMetrics} lists.
 * Pruning-at-initialization methods prune a freshly initialized copy and train it with the
 * dense training recipe instead.
 */
final class RunExecutor {

    private final BenchData data;
    private final Path modelsDir;
    private final boolean measureLatency;

    RunExecutor(BenchData data, Path modelsDir, boolean measureLatency) {
        this.data = data;
        this.modelsDir = modelsDir;
        this.measureLatency = measureLatency;
    }

    Path denseCheckpoint(RunSettings dense) {
        return modelsDir.resolve("dense-" + dense.id() + ".p4j");
    }

    /** Runs it; returns the metrics and the provenance of the resulting model. */
    Result execute(RunSettings s) {
        return s.dense() ? dense(s) : pruned(s);
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
            details.put("before", eval.toMap());
            SparsityStats stats = SparsityStats.of(model);
            details.put("layerSparsity", stats.layerSparsity());
            Checkpoint.save(model, out); // atomic: a killed run leaves no half file
            return new Result(new RunMetrics(eval.top1(), eval.top1(), eval.top1(), eval.top5(), eval.loss(),
                    stats.parameters(), stats.nonZeroParameters(), stats.macs(), stats.nonZeroMacs(),
                    stats.compression(), stats.theoreticalSpeedUp(), null, null, size(out), seconds(start), details),
                    model.provenance() == null ? null : model.provenance().toMap());
        }
    }

    private Model trainFromScratch(RunSettings s, Map<String, Object> details) {
        TrainingRecipe recipe = TrainingRecipe.fromMap(s.pretrain());
        Model model = freshModel(s);
        try {
            long start = System.nanoTime();
            train(model, recipe, null);
            details.put("trainSeconds", seconds(start));
            model.setProvenance(Provenance.of("train", Map.of("model", s.model(), "data", s.data(),
                    "trainSamples", data.train().size(), "recipe", recipe.toMap(), "seed", s.seed()), null));
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
        long start = System.nanoTime();
        Map<String, Object> details = new LinkedHashMap<>();
        Path denseFile = denseCheckpoint(s.denseBase());
        TrainingRecipe fineTune = TrainingRecipe.fromMap(s.fineTune());
        DataLoader calibrationLoader = data.trainLoader(fineTune);
        try (Model dense = Checkpoint.load(denseFile)) {
            EvalResult before = Evaluator.evaluate(dense, data.testLoader());
            details.put("before", before.toMap());
            boolean atInit = s.kind().equals("unstructured") && UnstructuredMethods.get(s.method()).atInitialization();
            try (Model model = atInit ? initializedLike(dense, s.seed()) : Checkpoint.load(denseFile)) {
                Engines.seed(s.seed());
                EvalResult afterPruning;
                if (s.kind().equals("structured")) {
                    afterPruning = pruneStructured(s, model, calibrationLoader, fineTune, details);
                } else {
                    afterPruning = pruneUnstructured(s, model, calibrationLoader, fineTune, atInit, details);
                }
                long evalStart = System.nanoTime();
                EvalResult after = Evaluator.evaluate(model, data.testLoader());
                details.put("evalSeconds", seconds(evalStart));
                details.put("afterPruning", afterPruning == null ? null : afterPruning.toMap());
                details.put("afterFineTuning", after.toMap());
                SparsityStats stats = SparsityStats.of(model);
                SparsityStats denseStats = SparsityStats.of(dense);
                details.put("layerSparsity", stats.layerSparsity());
                Double speedUp1 = null;
                Double speedUp128 = null;
                if (measureLatency) {
                    long latencyStart = System.nanoTime();
                    Map<String, Map<String, Object>> latency = LatencyBenchmark.compare(dense, model);
                    details.put("latencyDense", latency.get("first"));
                    details.put("latencyPruned", latency.get("second"));
                    details.put("latencySeconds", seconds(latencyStart));
                    speedUp1 = ratio(latency, "batch1Ms");
                    speedUp128 = ratio(latency, "batch128Ms");
                }
                Provenance provenance = Provenance.of("bench-run", s.toMap(), dense.provenance());
                model.setProvenance(provenance);
                Path out = modelsDir.resolve(s.id() + ".p4j");
                Checkpoint.save(model, out); // atomic: a killed run leaves no half file
                details.put("sizeBytesDense", size(denseFile));
                details.put("checkpoint", out.getFileName().toString());
                return new Result(new RunMetrics(before.top1(), afterPruning == null ? null : afterPruning.top1(),
                        after.top1(), after.top5(), after.loss(), stats.parameters(), stats.nonZeroParameters(),
                        stats.macs(), stats.nonZeroMacs(), denseStats.parameters() / (double) stats.nonZeroParameters(),
                        denseStats.macs() / (double) stats.nonZeroMacs(), speedUp1, speedUp128,
                        size(out), seconds(start), details), provenance.toMap());
            }
        }
    }

    private EvalResult pruneUnstructured(RunSettings s, Model model, DataLoader calibrationLoader,
            TrainingRecipe fineTune, boolean atInit, Map<String, Object> details) {
        UnstructuredMethod method = UnstructuredMethods.get(s.method());
        Calibration calibration = new Calibration(calibrationLoader, s.calibrationBatches());
        // pruning at initialization prunes once before training; N:M patterns are reached in one step
        String schedule = atInit || method.keepRule().fixedFraction() ? "oneshot" : s.schedule();
        details.put("scheduleUsed", schedule);
        // pruning at initialization trains the pruned network with the dense model's recipe
        TrainingRecipe recipe = atInit ? TrainingRecipe.fromMap(s.pretrain()) : fineTune;
        double pruneSeconds = 0;
        double trainSeconds = 0;
        EvalResult afterPruning = null;
        try (WeightMasks masks = new WeightMasks(model)) {
            if (schedule.equals("agp")) {
                double target = s.compression() == null ? 1 : s.compression();
                UnstructuredPruner toTarget = pruner(s, method, calibration, target);
                double keep = UnstructuredPruner.keepFraction(model, PrunableWeights.of(model, s.includeClassifier()), target);
                long total = (long) recipe.epochs() * data.trainLoader(recipe).batchesPerEpoch();
                long end = Math.max(1, Math.min(total, Math.round(total * 0.75)));
                int frequency = (int) Math.max(1, end / 20);
                long t = System.nanoTime();
                // compression 1 keeps everything: nothing to schedule, only fine-tuning
                train(model, recipe, keep >= 1 ? new MaskedTraining(masks)
                        : new GradualPruning(toTarget, masks, 1 - keep, 0, end, frequency));
                trainSeconds += seconds(t);
                details.put("agp", Map.of("finalSparsity", 1 - keep, "endStep", end, "frequency", frequency));
            } else {
                int steps = schedule.equals("iterative") ? s.scheduleSteps() : 1;
                for (int step = 1; step <= steps; step++) {
                    double c = s.compression() == null ? 1 : Math.pow(s.compression(), step / (double) steps);
                    long t = System.nanoTime();
                    pruner(s, method, calibration, c).prune(model, masks);
                    pruneSeconds += seconds(t);
                    if (step == steps) {
                        afterPruning = Evaluator.evaluate(model, data.testLoader());
                    }
                    t = System.nanoTime();
                    train(model, recipe, new MaskedTraining(masks));
                    trainSeconds += seconds(t);
                }
            }
        }
        details.put("pruneSeconds", pruneSeconds);
        details.put("fineTuneSeconds", trainSeconds);
        details.put("fineTuneRecipe", recipe.toMap());
        return afterPruning;
    }

    private static UnstructuredPruner pruner(RunSettings s, UnstructuredMethod method, Calibration calibration, double c) {
        UnstructuredPruner.Builder b = UnstructuredPruner.builder().setMethod(method.name())
                .optCalibration(calibration).optIncludeClassifier(s.includeClassifier()).optSeed(s.seed());
        if (!method.keepRule().fixedFraction()) {
            b.setCompression(c);
        }
        return b.build();
    }

    private EvalResult pruneStructured(RunSettings s, Model model, DataLoader calibrationLoader,
            TrainingRecipe fineTune, Map<String, Object> details) {
        long t = System.nanoTime();
        StructuredPruner.builder().setCriterion(s.method()).setTarget(PruningTarget.parse(s.target()))
                .optScope(Scope.parse(s.scope())).optCalibration(calibrationLoader, s.calibrationBatches())
                .optSeed(s.seed()).build().prune(model, null);
        details.put("pruneSeconds", seconds(t));
        EvalResult afterPruning = Evaluator.evaluate(model, data.testLoader());
        t = System.nanoTime();
        train(model, fineTune, null);
        details.put("fineTuneSeconds", seconds(t));
        details.put("fineTuneRecipe", fineTune.toMap());
        return afterPruning;
    }

    private void train(Model model, TrainingRecipe recipe, TrainingListener listener) {
        Trainer.fit(model, recipe, data.trainLoader(recipe), listener == null ? List.of() : List.of(listener));
    }

    /** A freshly initialized model of the same architecture (pruning at initialization). */
    private static Model initializedLike(Model dense, long seed) {
        Engines.seed(seed);
        return Model.builder().setGraph(dense.graph()).optSeed(seed).optProvenance(dense.provenance()).build();
    }

    private static double ratio(Map<String, Map<String, Object>> latency, String key) {
        return (double) latency.get("first").get(key) / (double) latency.get("second").get(key);
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
