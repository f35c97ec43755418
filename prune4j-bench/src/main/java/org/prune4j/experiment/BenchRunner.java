package org.prune4j.experiment;

import org.prune4j.data.ImageDataset;
import org.prune4j.evaluation.BehaviourEvaluation;
import org.prune4j.evaluation.BehaviourReport;
import org.prune4j.measure.LatencyComparison;
import org.prune4j.model.Checkpoint;
import org.prune4j.model.Model;
import org.prune4j.train.DataSplits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a spec's grid against a results store: a run already in the store is skipped, every other
 * one is executed and recorded when it finishes. Restarting after a crash or {@code kill -9}
 * therefore redoes only the run that was interrupted. Base models are kept next to the store
 * ({@code results.db.models/}), so pruning runs never retrain them.
 */
public final class BenchRunner {

    private final BenchSpec spec;
    private final ResultsStore store;
    private final Path modelsDir;
    private final Consumer<String> log;

    private BenchRunner(Builder b) {
        this.spec = b.spec;
        this.store = b.store;
        this.modelsDir = b.modelsDir != null ? b.modelsDir
                : b.store.file().resolveSibling(b.store.file().getFileName() + ".models");
        this.log = b.log;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * How many runs the grid has, how many were already done, how many this call ran, and how many
     * failed (not recorded, so the next call tries them again).
     */
    public record Summary(int planned, int skipped, int ran, int failed, int evaluated) {}

    public Summary run() {
        List<RunSettings> plan = RunPlan.of(spec);
        try {
            Files.createDirectories(modelsDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + modelsDir, e);
        }
        DataSplits data = DataSplits.load(spec.data(), spec.dataDir(), spec.trainLimit(), spec.testLimit());
        RunExecutor executor = new RunExecutor(data, modelsDir, spec.measureLatency(), log);
        for (RunSettings run : plan) { // bad settings or lost states stop the grid before anything trains
            if (!store.contains(run.id())) {
                executor.check(run);
            }
        }
        int skipped = 0;
        int ran = 0;
        int failed = 0;
        for (int i = 0; i < plan.size(); i++) {
            RunSettings run = plan.get(i);
            String prefix = String.format("[%d/%d] %s %s", i + 1, plan.size(), run.id(), run.label());
            if (store.contains(run.id()) && (!run.dense() || Files.exists(executor.denseCheckpoint(run)))) {
                skipped++;
                log.accept(prefix + ": done already");
                continue;
            }
            long start = System.nanoTime();
            RunExecutor.Result result;
            try {
                if (!run.dense() && run.kind() != RunKind.LOTTERY && !Files.exists(executor.denseCheckpoint(run.denseBase()))) {
                    // the base model's file is gone (deleted, or its run was recorded elsewhere): make it again
                    log.accept(prefix + ": base model missing, recreating it");
                    executor.execute(run.denseBase());
                }
                if (run.fromScratch() && !Files.exists(executor.modelFile(run.prunedBase()))) {
                    log.accept(prefix + ": the pruned model it trains anew is missing, recreating it");
                    executor.execute(run.prunedBase());
                }
                result = executor.execute(run);
            } catch (RuntimeException e) {
                // one bad run (an unreachable budget, a diverged criterion) must not stop the grid
                failed++;
                log.accept(prefix + ": FAILED, not recorded (a later call tries again): " + e.getMessage());
                continue;
            }
            if (!store.contains(run.id())) {
                store.record(spec.name(), run, result.metrics(), result.provenance());
                ran++;
            }
            RunMetrics m = result.metrics();
            log.accept(String.format("%s: top-1 %s -> %s -> %s, compression %.2f, speed-up %.2f theoretical%s (%.0f s)",
                    prefix, pct(m.top1Before()), pct(m.top1Pruned()), pct(m.top1FineTuned()), m.actualCompression(),
                    m.theoreticalSpeedUp(), measured(m), (System.nanoTime() - start) / 1e9));
        }
        int[] evaluation = spec.evaluate() == null ? new int[2] : evaluateBehaviour(plan, executor, data);
        return new Summary(plan.size(), skipped, ran, failed + evaluation[1], evaluation[0]);
    }

    /**
     * The {@code evaluate:} phase: every finished run whose behaviour under these settings is not
     * stored yet is evaluated from its saved model, with its dense base model as the reference,
     * and recorded at once, so an interrupted phase resumes where it stopped. Returns how many
     * were evaluated and how many failed.
     */
    private int[] evaluateBehaviour(List<RunSettings> plan, RunExecutor executor, DataSplits data) {
        BehaviourSettings settings = spec.evaluate();
        int evaluated = 0;
        int failed = 0;
        for (int i = 0; i < plan.size(); i++) {
            RunSettings run = plan.get(i);
            String prefix = String.format("[evaluate %d/%d] %s %s", i + 1, plan.size(), run.id(), run.label());
            Path modelFile = executor.modelFile(run);
            if (!store.contains(run.id()) || store.hasBehaviour(run.id(), settings.key())) {
                continue;
            }
            if (!Files.exists(modelFile)) {
                failed++;
                log.accept(prefix + ": FAILED, its saved model " + modelFile + " is gone; not evaluated");
                continue;
            }
            long start = System.nanoTime();
            try (Model model = Checkpoint.load(modelFile);
                    Model reference = Checkpoint.load(executor.referenceFile(run))) {
                ImageDataset test = settings.limit() == 0 ? data.test()
                        : data.test().slice(0, Math.min(settings.limit(), data.test().size()));
                BehaviourReport r = BehaviourEvaluation.builder().setModel(model).setData(spec.data(), test)
                        .optReference(reference).optConditions(settings.conditions()).optSeed(settings.seed())
                        .optBins(settings.bins()).optCertifyRadii(settings.certify()).build().run();
                Map<String, Object> result = new LinkedHashMap<>(r.toMap());
                result.put("settings", settings.toMap());
                result.put("examples", test.size());
                result.put("seconds", (System.nanoTime() - start) / 1e9);
                store.recordBehaviour(run.id(), settings.key(), result);
                evaluated++;
                log.accept(String.format("%s: clean %.2f%%%s, ECE %.4f, agreement %.2f%% (%.0f s)", prefix,
                        100 * r.clean().top1(), r.conditions().isEmpty() ? ""
                                : String.format(", mean corrupted %.2f%%", 100 * r.meanCorruptedTop1()),
                        r.reliability().ece(), 100 * r.agreement().overall(), (System.nanoTime() - start) / 1e9));
            } catch (RuntimeException e) {
                failed++;
                log.accept(prefix + ": evaluation FAILED, not recorded (a later call tries again): " + e.getMessage());
            }
        }
        return new int[] {evaluated, failed};
    }

    /** The measured speed-up at batch 128 with its spread, where pruning can cause one. */
    private static String measured(RunMetrics m) {
        LatencyComparison.AtBatch b128 = RunMetrics.latencyAtBatch128(m.details());
        if (b128 == null) {
            return "";
        }
        String spread = String.format("rounds %.2f-%.2f%s", b128.speedUpLow(), b128.speedUpHigh(),
                b128.withinNoise() ? ", within noise" : "");
        if (m.measuredSpeedUpBatch128() == null) {
            return String.format(", latency ratio %.2f (%s; masked weights run the same dense kernels: not a speed-up)",
                    b128.speedUp(), spread);
        }
        return String.format(" / %.2f measured (%s)", b128.speedUp(), spread);
    }

    private static String pct(Double v) {
        return v == null ? "-" : String.format("%.2f%%", 100 * v);
    }

    /** {@code setSpec} and {@code setStore} are required. */
    public static final class Builder {
        private BenchSpec spec;
        private ResultsStore store;
        private Path modelsDir;
        private Consumer<String> log = line -> {};

        private Builder() {}

        public Builder setSpec(BenchSpec spec) {
            this.spec = spec;
            return this;
        }

        public Builder setStore(ResultsStore store) {
            this.store = store;
            return this;
        }

        /** Where base and pruned models are kept (default: next to the store, {@code <db>.models}). */
        public Builder optModelsDir(Path dir) {
            this.modelsDir = dir;
            return this;
        }

        public Builder optLog(Consumer<String> log) {
            this.log = log;
            return this;
        }

        public BenchRunner build() {
            if (spec == null || store == null) {
                throw new IllegalArgumentException("BenchRunner needs setSpec and setStore");
            }
            return new BenchRunner(this);
        }
    }
}
