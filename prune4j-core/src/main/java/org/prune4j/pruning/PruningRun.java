package org.prune4j.pruning;

import org.prune4j.measure.Latency;
import org.prune4j.measure.LatencyComparison;
import org.prune4j.criterion.Calibration;
import org.prune4j.dependency.Group;
import org.prune4j.engine.Engines;
import org.prune4j.evaluation.BehaviourChange;
import org.prune4j.evaluation.BehaviourEvaluation;
import org.prune4j.evaluation.Predictions;
import org.prune4j.evaluation.ReluActivity;
import org.prune4j.graph.Node;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.metrics.SparsityStats;
import org.prune4j.model.Model;
import org.prune4j.model.ParameterState;
import org.prune4j.model.Provenance;
import org.prune4j.train.DataSplits;
import org.prune4j.train.EvalResult;
import org.prune4j.train.Evaluator;
import org.prune4j.train.Trainer;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.train.listener.TrainingListener;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Prunes a model and proves the result, the one step behind {@code prune} and every bench run:
 * evaluates the reference model, prunes with a {@link PruningMethod} on a {@link PruningSchedule}
 * (fine-tuning as the schedule says, removed weights held removed), evaluates right after the
 * last pruning step and after fine-tuning, counts parameters and MACs, and measures deployed
 * latency against the reference. Returns a {@link PruningResult}; the pruned model is handed to
 * the caller to keep before it is closed.
 *
 * <pre>{@code
 * PruningResult r = PruningRun.builder().setReference(() -> Checkpoint.load(file)).setData(data)
 *         .setMethod(StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("macs=2x")).build())
 *         .setSchedule(new PruningSchedules.OneShot()).setFineTune(TrainingRecipe.fineTuneDefaults())
 *         .build().run(model -> Checkpoint.save(model, out));
 * }</pre>
 */
public final class PruningRun {

    private final Supplier<Model> reference;
    private final Supplier<Model> start;
    private final DataSplits data;
    private final PruningMethod method;
    private final PruningSchedule schedule;
    private final TrainingRecipe fineTune;
    private final int fineTuneEpochs;
    private final TrainingRecipe calibrationRecipe;
    private final int calibrationBatches;
    private final boolean measureLatency;
    private final long seed;
    private final List<TrainingListener> listeners;

    private PruningRun(Builder b) {
        this.reference = b.reference;
        this.start = b.start != null ? b.start : b.reference;
        this.data = b.data;
        this.method = b.method;
        this.schedule = b.schedule;
        this.fineTune = b.fineTune;
        this.fineTuneEpochs = b.fineTuneEpochs;
        this.calibrationRecipe = b.calibrationRecipe != null ? b.calibrationRecipe : b.fineTune;
        this.calibrationBatches = b.calibrationBatches;
        this.measureLatency = b.measureLatency;
        this.seed = b.seed;
        this.listeners = List.copyOf(b.listeners);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs it; {@code keep} receives the pruned, fine-tuned model (with its provenance) before it is closed. */
    public PruningResult run(Consumer<Model> keep) {
        long wallStart = System.nanoTime();
        try (Model ref = reference.get()) {
            if (data != null) {
                data.requireFits(ref.graph());
            }
            long t = System.nanoTime();
            // one pass each for the reference and the result: accuracy and behaviour from the same predictions
            ReluActivity refActivity = data == null ? null : new ReluActivity(ref.graph());
            Predictions refPredictions = data == null ? null : Predictions.of(ref, data.testLoader(), refActivity);
            EvalResult before = data == null ? null : refPredictions.evalResult();
            double evaluateSeconds = seconds(t);
            SparsityStats referenceStats = SparsityStats.of(ref);
            Map<String, Long> channelsBefore = channels(ref);
            try (Model model = start.get()) {
                Engines.seed(seed);
                Calibration calibration = data == null ? null
                        : new Calibration(data.trainLoader(calibrationRecipe), calibrationBatches);
                Session session = new Session(model, calibration);
                try (PruningMethod.Pruning pruning = method.begin(model, calibration)) {
                    session.pruning = pruning;
                    schedule.run(session);
                }
                if (session.lastProgress == null || !session.lastProgress.complete()) {
                    throw new IllegalStateException("schedule '" + schedule.name() + "' ended before it reached the "
                            + "budget (last pruned to " + (session.lastProgress == null ? "nothing"
                            : session.lastProgress) + ")");
                }
                Map<String, Object> record = new LinkedHashMap<>();
                record.put("schedule", schedule.name());
                record.putAll(schedule.settings());
                record.put("fineTuneEpochs", fineTuneEpochs);
                record.put("trainingEpochs", session.trainedEpochs); // every epoch trained after the dense model
                if (data == null) {
                    record.put("data", "none");
                }
                model.setProvenance(Provenance.of("pruning-run", record, model.provenance()));
                t = System.nanoTime();
                EvalResult after = null;
                BehaviourChange behaviour = null;
                if (data != null) {
                    ReluActivity activity = new ReluActivity(model.graph());
                    Predictions predictions = Predictions.of(model, data.testLoader(), activity);
                    after = predictions.evalResult();
                    behaviour = new BehaviourChange(
                            BehaviourEvaluation.cleanReport(refPredictions, null, refActivity, data.test()),
                            BehaviourEvaluation.cleanReport(predictions, refPredictions, activity, data.test()));
                }
                evaluateSeconds += seconds(t) + session.evaluateSeconds;
                SparsityStats prunedStats = SparsityStats.of(model);
                LatencyComparison latency = null;
                double latencySeconds = 0;
                if (measureLatency) {
                    t = System.nanoTime();
                    latency = Latency.compare(ref, model);
                    latencySeconds = seconds(t);
                }
                Map<String, List<Long>> channels = new LinkedHashMap<>();
                Map<String, Long> channelsAfter = channels(model);
                channelsBefore.forEach((node, c) -> channels.put(node, List.of(c, channelsAfter.get(node))));
                keep.accept(model);
                return new PruningResult(method.kind(), method.name(), schedule.name(), before,
                        session.afterPruning, after, behaviour, referenceStats, prunedStats, latency, session.steps,
                        channels,
                        new PruningResult.Seconds(session.pruneSeconds, session.trainSeconds, evaluateSeconds,
                                latencySeconds, seconds(wallStart)),
                        model.provenance());
            }
        }
    }

    /** What the schedule drives: the method's pruning, fine-tuning with the recipe, and the evidence. */
    private final class Session implements PruningSession {
        private final Model model;
        private PruningMethod.Pruning pruning;
        private final List<PruningStep> steps = new ArrayList<>();
        private Progress lastProgress;
        private EvalResult afterPruning;
        private boolean training;
        private double pruneSeconds;
        private double trainSeconds;
        private double evaluateSeconds;
        private int trainedEpochs;

        private final Calibration calibration;

        Session(Model model, Calibration calibration) {
            this.model = model;
            this.calibration = calibration;
        }

        @Override
        public void pruneTo(Progress progress, ParameterState state) {
            long t = System.nanoTime();
            steps.add(pruning.pruneTo(progress, state));
            lastProgress = progress;
            pruneSeconds += seconds(t);
            if (progress.complete() && !training && data != null) {
                t = System.nanoTime();
                afterPruning = Evaluator.evaluate(model, data.testLoader());
                evaluateSeconds += seconds(t);
            }
        }

        @Override
        public void fineTune(int epochs, TrainingListener... during) {
            if (epochs == 0) {
                return;
            }
            if (data == null) {
                throw new IllegalStateException("schedule '" + schedule.name() + "' fine-tunes between steps, which a "
                        + "data-free run cannot: give it data or no fine-tuning");
            }
            List<TrainingListener> all = new ArrayList<>(pruning.duringTraining());
            all.addAll(Arrays.asList(during));
            all.addAll(listeners);
            TrainingRecipe recipe = fineTune.withEpochs(epochs);
            long t = System.nanoTime();
            training = true;
            trainedEpochs += epochs;
            try {
                Trainer.fit(model, recipe, data.trainLoader(recipe), all);
            } finally {
                training = false;
                trainSeconds += seconds(t);
            }
        }

        @Override
        public int fineTuneEpochs() {
            return fineTuneEpochs;
        }

        @Override
        public Model model() {
            return model;
        }

        @Override
        public Map<Group, int[]> plannedRemoval() {
            return pruning.plan();
        }

        @Override
        public Calibration calibration() {
            return calibration;
        }

        @Override
        public PruningMethod method() {
            return method;
        }
    }

    /** Output channels (features) of every conv and linear layer. */
    private static Map<String, Long> channels(Model model) {
        Map<String, Long> c = new LinkedHashMap<>();
        for (Node n : model.graph().nodes()) {
            if (n.op() instanceof Conv2dOp || n.op() instanceof LinearOp) {
                c.put(n.name(), model.graph().shapeOf(n.name()).get(0));
            }
        }
        return c;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Reference, data (or {@link Builder#setDataFree}), method, schedule and fine-tuning recipe are required. */
    public static final class Builder {
        private Supplier<Model> reference;
        private Supplier<Model> start;
        private DataSplits data;
        private boolean dataFree;
        private PruningMethod method;
        private PruningSchedule schedule;
        private TrainingRecipe fineTune;
        private int fineTuneEpochs;
        private TrainingRecipe calibrationRecipe;
        private int calibrationBatches = 8;
        private boolean measureLatency = true;
        private long seed;
        private final List<TrainingListener> listeners = new ArrayList<>();

        private Builder() {}

        /**
         * The reference model, loaded fresh on each call: the "before" evaluation, the latency
         * reference and the size the result is compared with; pruning starts from another copy.
         */
        public Builder setReference(Supplier<Model> reference) {
            this.reference = reference;
            return this;
        }

        /**
         * Where pruning starts when it is not a copy of the reference: a fresh initialization for
         * methods that prune at initialization (then trained with {@link #setFineTune}'s recipe).
         */
        public Builder optStart(Supplier<Model> start) {
            this.start = start;
            return this;
        }

        public Builder setData(DataSplits data) {
            this.data = data;
            return this;
        }

        /**
         * Prunes without any data (instead of {@link #setData}): only criteria that read the
         * weights alone, no fine-tuning, and no accuracy or behaviour in the result (null there).
         */
        public Builder setDataFree() {
            this.dataFree = true;
            return this;
        }

        public Builder setMethod(PruningMethod method) {
            this.method = method;
            return this;
        }

        public Builder setSchedule(PruningSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /** How to fine-tune; its epochs are what the schedule trains after its last pruning step. */
        public Builder setFineTune(TrainingRecipe recipe) {
            return setFineTune(recipe, recipe.epochs());
        }

        /** How to fine-tune, and for how many epochs after the last pruning step (0: none). */
        public Builder setFineTune(TrainingRecipe recipe, int epochs) {
            this.fineTune = recipe;
            this.fineTuneEpochs = epochs;
            return this;
        }

        /**
         * Whose training loader (batch size, order) the calibration batches come from (default:
         * the fine-tuning recipe's; the bench keeps it for runs that train with another recipe).
         */
        public Builder optCalibrationRecipe(TrainingRecipe recipe) {
            this.calibrationRecipe = recipe;
            return this;
        }

        /** Batches of the training split that data-driven criteria see (default 8). */
        public Builder optCalibrationBatches(int batches) {
            this.calibrationBatches = batches;
            return this;
        }

        public Builder optMeasureLatency(boolean measure) {
            this.measureLatency = measure;
            return this;
        }

        /** Seeds the engine before pruning (dropout, engine-side randomness). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder optListener(TrainingListener listener) {
            listeners.add(listener);
            return this;
        }

        public PruningRun build() {
            if (reference == null || (data == null) == !dataFree || method == null || schedule == null
                    || fineTune == null) {
                throw new IllegalArgumentException("PruningRun needs setReference, setData or setDataFree (one of "
                        + "them), setMethod, setSchedule and setFineTune");
            }
            if (dataFree && method.usesData()) {
                throw new IllegalArgumentException(method.whyData() + "; a data-free run takes criteria and "
                        + "allocations that read only the weights (e.g. l1, l2, bn-scale; uniform, global, pa, fa, ma)");
            }
            if (dataFree && fineTuneEpochs > 0) {
                throw new IllegalArgumentException("a data-free run cannot fine-tune: " + fineTuneEpochs
                        + " fine-tune epochs asked for");
            }
            if (fineTuneEpochs < 0) {
                throw new IllegalArgumentException("fine-tune epochs must be 0 or more, got " + fineTuneEpochs);
            }
            if (calibrationBatches < 1) {
                throw new IllegalArgumentException("calibration batches must be at least 1, got " + calibrationBatches);
            }
            if (method.oneStepOnly() && !(schedule instanceof PruningSchedules.OneShot)) {
                throw new IllegalArgumentException("'" + method.name() + "' prunes in one step (at initialization or "
                        + "to an N:M pattern) and runs with the oneshot schedule only, not '" + schedule.name() + "'");
            }
            if (dataFree && schedule instanceof org.prune4j.pruning.regime.Regime) {
                throw new IllegalArgumentException("regime '" + schedule.name() + "' prunes while it trains, which a "
                        + "data-free run cannot: give it data");
            }
            schedule.check(fineTuneEpochs);
            schedule.check(method);
            return new PruningRun(this);
        }
    }
}
