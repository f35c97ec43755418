package org.prune4j.lottery;

import org.prune4j.data.DataLoader;
import org.prune4j.metrics.SparsityStats;
import org.prune4j.model.Checkpoint;
import org.prune4j.model.Model;
import org.prune4j.model.Provenance;
import org.prune4j.sparsity.PrunableWeights;
import org.prune4j.sparsity.UnstructuredPruner;
import org.prune4j.sparsity.WeightMasks;
import org.prune4j.train.DataSplits;
import org.prune4j.train.Evaluator;
import org.prune4j.train.Trainer;
import org.prune4j.train.TrainingRecipe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Iterative magnitude pruning with rewinding, the lottery-ticket procedure (Frankle &amp; Carbin
 * 2019; Renda et al. 2020): train the dense model, saving its initialization and its weights at
 * the rewind step; then in every round remove {@code rate} of the remaining prunable weights by
 * magnitude, rewind as {@link Rewind} says and retrain the dense training's steps from the rewind
 * step, with the removed weights held at zero. Optional {@link Control}s retrain the same
 * round's sparsity from other starting points with the same steps and learning rates. With
 * {@link Builder#optSplits} the masks come from COLT's overlap of tickets found on parts of the
 * data instead of from the previous round's ticket; with {@link Builder#optMaxLearningRate} each
 * round's schedule peaks at its own rate (SILO), and {@link Builder#optOracleGrid} picks it per
 * round by test accuracy (SILO's oracle).
 *
 * <pre>{@code
 * LotteryResult r = IterativeMagnitudePruning.builder().setModel(lenet300).setData(data)
 *         .setTraining(recipe).optRewind(Rewind.parse("iteration:500")).optRate(0.2)
 *         .optTargetDensity(0.1).optControls(EnumSet.allOf(Control.class)).build().run();
 * }</pre>
 */
public final class IterativeMagnitudePruning {

    private final Model model;
    private final DataSplits data;
    private final TrainingRecipe training;
    private final Rewind rewind;
    private final double rate;
    private final int rounds;
    private final double targetDensity;
    private final String method;
    private final boolean includeClassifier;
    private final Set<Control> controls;
    private final int splits;
    private final MaxLearningRate maxLearningRate;
    private final double[] oracleGrid;
    private final Path outputDir;
    private final Consumer<String> log;

    private IterativeMagnitudePruning(Builder b) {
        this.model = b.model;
        this.data = b.data;
        this.training = b.training;
        this.rewind = b.rewind;
        this.rate = b.rate;
        this.rounds = b.rounds;
        this.targetDensity = b.targetDensity;
        this.method = b.method;
        this.includeClassifier = b.includeClassifier;
        this.controls = b.controls;
        this.splits = b.splits;
        this.maxLearningRate = b.maxLearningRate;
        this.oracleGrid = b.oracleGrid;
        this.outputDir = b.outputDir;
        this.log = b.log;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Refuses, without training, an output directory that holds a run with other settings or
     * lacks a state its finished rounds need ({@link #run} checks it too, first thing).
     */
    public void checkSavedState() {
        if (outputDir != null) {
            long denseSteps = (long) training.epochs() * data.trainLoader(training).batchesPerEpoch();
            new LotteryState(outputDir).finishedRounds(settings(denseSteps));
        }
    }

    /**
     * Trains, prunes and retrains {@code model} in place; it ends as the last round's ticket. With
     * an output directory, a run that was interrupted continues after its last finished round.
     */
    public LotteryResult run() {
        DataLoader train = data.trainLoader(training);
        long denseSteps = (long) training.epochs() * train.batchesPerEpoch(); // build() checked the rewind
        long start = System.nanoTime();
        LotteryState state = outputDir == null ? null : new LotteryState(outputDir);
        int finished = state == null ? 0 : state.finishedRounds(settings(denseSteps)); // before any training
        LotteryState.Dense dense = denseTraining(state, train, denseSteps);
        WeightSnapshot init = dense.init();
        WeightSnapshot rewindPoint = dense.rewindPoint();
        long retrainSteps = denseSteps - rewind.step();
        Retraining retraining = new Retraining(data, training, rewind);
        Colt colt = new Colt(data, splits, rate, includeClassifier, retraining);
        LotteryControls lotteryControls = new LotteryControls(model.graph(), rewind, includeClassifier, retraining);
        UnstructuredPruner pruner = UnstructuredPruner.builder().setMethod(method).setCompression(1)
                .optIncludeClassifier(includeClassifier).build();
        List<LotteryResult.Round> results = new ArrayList<>(state == null ? List.of() : state.rounds(finished));
        try (WeightMasks masks = new WeightMasks(model)) {
            if (finished > 0) {
                state.loadRound(finished, model, masks, PrunableWeights.of(model, includeClassifier));
                log.accept(String.format("rounds 1-%d: done already (%s)", finished, outputDir));
            }
            boolean reached = finished > 0 && masks.kept() <= targetDensity * masks.size();
            for (int round = finished + 1; round <= rounds && !reached; round++) {
                long roundStart = System.nanoTime();
                List<Double> splitDensities = List.of();
                if (splits > 1) {
                    splitDensities = colt.round(model, masks, init, pruner);
                } else {
                    pruner.pruneToDensity(model, masks, Math.pow(1 - rate, round));
                }
                if (rewind.restoresWeights()) {
                    rewindPoint.restore(model);
                }
                double peak = oracleGrid.length > 0 ? oracle(masks, train, retrainSteps, retraining)
                        : maxLearningRate.at(round, rounds, training.learningRate());
                if (oracleGrid.length == 0) {
                    retraining.retrain(model, masks, train, retrainSteps, peak);
                }
                double top1 = retraining.top1(model);
                Map<String, Double> controlTop1 = new LinkedHashMap<>();
                for (Control c : controls) {
                    controlTop1.put(c.label(), lotteryControls.top1(c, round, masks, init, rewindPoint, train,
                            retrainSteps, peak));
                }
                LotteryResult.Round result = new LotteryResult.Round(round, masks.kept() / (double) masks.size(),
                        SparsityStats.of(model).compression(), top1, controlTop1, splitDensities, peak,
                        seconds(roundStart));
                results.add(result);
                if (state != null) {
                    state.saveRound(model, masks, result);
                }
                log.accept(String.format("round %d/%d: %.2f%% of the prunable weights, %.2f%% (peak rate %.4g)%s "
                        + "(%.0f s)", round, rounds, 100.0 * masks.kept() / masks.size(), 100 * top1, peak,
                        controlTop1.isEmpty() ? "" : ", controls " + format(controlTop1), seconds(roundStart)));
                // COLT's overlaps get there in fewer rounds than (1 - rate)^rounds
                reached = masks.kept() <= targetDensity * masks.size();
            }
        }
        LotteryResult result = new LotteryResult(settings(denseSteps), dense.top1(), results, seconds(start));
        model.setProvenance(Provenance.of("lottery", result.settings(), model.provenance()));
        if (outputDir != null) {
            Checkpoint.save(model, outputDir.resolve("ticket.p4j"));
        }
        return result;
    }

    /** Trains the dense model, saving its rewind states, or takes them from an earlier run's saved states. */
    private LotteryState.Dense denseTraining(LotteryState state, DataLoader train, long denseSteps) {
        if (state != null && state.denseFinished()) {
            LotteryState.Dense saved = state.loadDense(model);
            log.accept(String.format("dense: %.2f%%, trained already (%s)", 100 * saved.top1(), outputDir));
            return saved;
        }
        long start = System.nanoTime();
        SnapshotListener snapshots = new SnapshotListener(0, rewind.step());
        Trainer.fit(model, training, train, List.of(snapshots));
        double top1 = Evaluator.evaluate(model, data.testLoader()).top1();
        LotteryState.Dense dense = new LotteryState.Dense(top1, snapshots.at(0), snapshots.at(rewind.step()));
        log.accept(String.format("dense: %.2f%% after %d steps (%.0f s)", 100 * top1, denseSteps, seconds(start)));
        if (state != null) {
            state.saveDense(model, dense, settings(denseSteps));
        }
        return dense;
    }

    /**
     * The oracle of the SILO paper: the round retrained once per peak rate of the grid from the
     * same start, the one with the best test accuracy kept (an upper bound, as it selects on the
     * test set); a peak whose training diverges is passed over. Returns the chosen peak.
     */
    private double oracle(WeightMasks masks, DataLoader train, long steps, Retraining retraining) {
        WeightSnapshot start = WeightSnapshot.of(model);
        WeightSnapshot best = null;
        double bestTop1 = -1;
        double bestPeak = Double.NaN;
        IllegalStateException diverged = null;
        for (double peak : oracleGrid) {
            start.restore(model);
            try {
                retraining.retrain(model, masks, train, steps, peak);
            } catch (IllegalStateException e) { // this peak diverged: the oracle picks among the others
                log.accept("  peak rate " + peak + ": " + e.getMessage());
                diverged = e;
                continue;
            }
            double top1 = retraining.top1(model);
            if (top1 > bestTop1) {
                bestTop1 = top1;
                bestPeak = peak;
                best = WeightSnapshot.of(model);
            }
        }
        if (best == null) {
            throw diverged;
        }
        best.restore(model);
        return bestPeak;
    }

    private Map<String, Object> settings(long denseSteps) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("data", data.name());
        s.put("training", training.toMap());
        s.put("denseSteps", denseSteps);
        s.put("rewind", rewind.toString());
        s.put("retrainSteps", denseSteps - rewind.step());
        s.put("rate", rate);
        s.put("rounds", rounds);
        s.put("method", method);
        s.put("includeClassifier", includeClassifier);
        s.put("controls", controls.stream().map(Control::label).toList());
        s.put("splits", splits);
        s.put("maxLr", oracleGrid.length > 0 ? "oracle:" + java.util.Arrays.toString(oracleGrid)
                : maxLearningRate.label());
        return s;
    }

    private static String format(Map<String, Double> top1) {
        StringBuilder s = new StringBuilder();
        top1.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(' ')
                .append(String.format("%.2f%%", 100 * v)));
        return s.toString();
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** {@code setModel}, {@code setData} and {@code setTraining} are required. */
    public static final class Builder {
        private Model model;
        private DataSplits data;
        private TrainingRecipe training;
        private Rewind rewind = Rewind.init();
        private double rate = 0.2;
        private int rounds;
        private double targetDensity = Double.NaN;
        private String method = "global-magnitude";
        private boolean includeClassifier;
        private Set<Control> controls = EnumSet.noneOf(Control.class);
        private int splits = 1;
        private MaxLearningRate maxLearningRate = MaxLearningRate.constant();
        private double[] oracleGrid = new double[0];
        private Path outputDir;
        private Consumer<String> log = s -> {};

        private Builder() {}

        /** The untrained model, at the initialization a ticket may rewind to (required). */
        public Builder setModel(Model model) {
            this.model = model;
            return this;
        }

        public Builder setData(DataSplits data) {
            this.data = data;
            return this;
        }

        /** The dense training; every round retrains with its optimizer and schedule (required). */
        public Builder setTraining(TrainingRecipe training) {
            this.training = training;
            return this;
        }

        /** Default {@code init}. */
        public Builder optRewind(Rewind rewind) {
            this.rewind = rewind;
            return this;
        }

        /** The share of the remaining prunable weights each round removes, in (0, 1); default 0.2. */
        public Builder optRate(double rate) {
            this.rate = rate;
            return this;
        }

        /** How many rounds; or see {@link #optTargetDensity}. */
        public Builder optRounds(int rounds) {
            this.rounds = rounds;
            return this;
        }

        /**
         * As many rounds as it takes to keep at most this share of the prunable weights (COLT may
         * need fewer than plain pruning's).
         */
        public Builder optTargetDensity(double density) {
            this.targetDensity = density;
            return this;
        }

        /** {@code global-magnitude} (default) or {@code layer-magnitude}. */
        public Builder optMethod(String method) {
            this.method = method;
            return this;
        }

        /** Also prune the classifier's weights (default: it stays dense). */
        public Builder optIncludeClassifier(boolean include) {
            this.includeClassifier = include;
            return this;
        }

        public Builder optControls(Set<Control> controls) {
            this.controls = controls.isEmpty() ? EnumSet.noneOf(Control.class) : EnumSet.copyOf(controls);
            return this;
        }

        /**
         * COLT (Cyclic Overlapping Lottery Tickets) with this many equal parts of the training data:
         * each round's masks are the overlap of the masks found on each part (see
         * {@link IterativeMagnitudePruning}); default 1, plain iterative magnitude pruning.
         */
        public Builder optSplits(int splits) {
            this.splits = splits;
            return this;
        }

        /** The peak learning rate of each round's retraining; default constant (the dense training's). */
        public Builder optMaxLearningRate(MaxLearningRate maxLearningRate) {
            this.maxLearningRate = maxLearningRate;
            return this;
        }

        /**
         * SILO's oracle: retrain every round once per peak rate of {@code peaks} and keep the best
         * on the test set (an upper bound, not a method); overrides {@link #optMaxLearningRate}.
         */
        public Builder optOracleGrid(double... peaks) {
            this.oracleGrid = peaks.clone();
            return this;
        }

        /**
         * Where the dense model, the rewind states, every round's ticket and masks and the last
         * round's {@code ticket.p4j} are saved; a run given the directory of an interrupted run
         * with the same settings continues after its last finished round.
         */
        public Builder optOutputDir(Path dir) {
            this.outputDir = dir;
            return this;
        }

        /** One line per round. */
        public Builder optLog(Consumer<String> log) {
            this.log = log;
            return this;
        }

        public IterativeMagnitudePruning build() {
            if (model == null || data == null || training == null) {
                throw new IllegalArgumentException("IterativeMagnitudePruning needs setModel, setData and setTraining");
            }
            if (!(rate > 0 && rate < 1)) {
                throw new IllegalArgumentException("the per-round pruning rate must be in (0, 1), got " + rate);
            }
            if (!Double.isNaN(targetDensity)) {
                if (!(targetDensity > 0 && targetDensity < 1)) {
                    throw new IllegalArgumentException("the target density must be in (0, 1), got " + targetDensity);
                }
                rounds = (int) Math.ceil(Math.log(targetDensity) / Math.log(1 - rate) - 1e-9);
            }
            if (rounds < 1) {
                throw new IllegalArgumentException("IterativeMagnitudePruning needs optRounds >= 1 or "
                        + "optTargetDensity, got " + rounds + " rounds");
            }
            if (!method.equals("global-magnitude") && !method.equals("layer-magnitude")) {
                throw new IllegalArgumentException("iterative magnitude pruning prunes by global-magnitude or "
                        + "layer-magnitude, got '" + method + "'");
            }
            for (double peak : oracleGrid) {
                if (!(peak > 0)) {
                    throw new IllegalArgumentException("the oracle's peak rates must be positive, got " + peak);
                }
            }
            if (splits < 1 || splits > data.train().size() / training.batchSize()) {
                throw new IllegalArgumentException("COLT needs between 1 and " + data.train().size()
                        / training.batchSize() + " data splits (one batch each at least), got " + splits);
            }
            long denseSteps = (long) training.epochs() * data.trainLoader(training).batchesPerEpoch();
            rewind.check(denseSteps);
            return new IterativeMagnitudePruning(this);
        }
    }
}
