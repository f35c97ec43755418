package org.prune4j.sparsity;

import ai.djl.ndarray.types.Shape;

import org.prune4j.criterion.Calibration;
import org.prune4j.criterion.Scores;
import org.prune4j.metrics.SparsityStats;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.model.ParameterState;
import org.prune4j.pruning.Progress;
import org.prune4j.pruning.PruneRecord;
import org.prune4j.pruning.PruningKind;
import org.prune4j.pruning.PruningMethod;
import org.prune4j.pruning.PruningStep;
import org.prune4j.train.listener.TrainingListener;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unstructured pruning to a compression ratio (ShrinkBench's: total / non-zero parameters, so 4
 * keeps a quarter): scores the prunable weights with the method's criterion, turns the scores
 * into masks with its keep rule (the allocation), and zeroes the removed weights. Pruning again
 * with the same masks continues from them: removed weights stay removed. As a
 * {@link PruningMethod} it prunes in as many steps as a {@link org.prune4j.pruning.PruningSchedule} asks.
 *
 * <pre>{@code
 * UnstructuredPruner pruner = UnstructuredPruner.builder()
 *         .setMethod("global-magnitude").setCompression(8).build();
 * try (WeightMasks masks = pruner.prune(model)) { ... train with new MaskedTraining(masks) ... }
 * }</pre>
 */
public final class UnstructuredPruner implements PruningMethod {

    private final UnstructuredMethod method;
    private final double compression;
    private final Calibration calibration;
    private final boolean includeClassifier;
    private final long seed;

    private UnstructuredPruner(Builder b) {
        this.method = b.method;
        this.compression = b.compression;
        this.calibration = b.calibration;
        this.includeClassifier = b.includeClassifier;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    public UnstructuredMethod method() {
        return method;
    }

    @Override
    public PruningKind kind() {
        return PruningKind.UNSTRUCTURED;
    }

    @Override
    public String name() {
        return method.name();
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", method.name());
        m.put("compression", method.keepRule().fixedFraction() ? null : compression);
        m.put("includeClassifier", includeClassifier);
        m.put("seed", seed);
        return m;
    }

    @Override
    public boolean atInitialization() {
        return method.atInitialization();
    }

    @Override
    public boolean oneStepOnly() {
        return method.prunesInOneStep();
    }

    @Override
    public boolean usesData() {
        return method.newCriterion(seed).usesData();
    }

    @Override
    public Pruning begin(Model model, Calibration calibration) {
        WeightMasks masks = new WeightMasks(model);
        Calibration data = calibration != null ? calibration : this.calibration;
        Calibration seen = method.newCriterion(seed).usesData() ? data : null;
        return new Pruning() {
            private int step;
            private final PruneRecord record = new PruneRecord();

            @Override
            public PruningStep pruneTo(Progress progress, ParameterState state) {
                SparsityStats before = SparsityStats.of(model);
                step++;
                double keep = keepAt(model, progress);
                if (keep >= 1 && !method.keepRule().fixedFraction()) {
                    masks.apply(model); // nothing to remove yet (compression 1, or the start of a gradual schedule)
                } else {
                    prune(model, masks, keep, data);
                }
                record.update(model, UnstructuredPruner.this, seen, progress.t(), step);
                SparsityStats after = SparsityStats.of(model);
                return new PruningStep(step, progress.t(), before.nonZeroMacs(), after.nonZeroMacs(),
                        before.nonZeroParameters(), after.nonZeroParameters(),
                        before.nonZeroParameters() - after.nonZeroParameters());
            }

            @Override
            public List<TrainingListener> duringTraining() {
                return List.of(new MaskedTraining(masks));
            }

            @Override
            public void close() {
                masks.close();
            }
        };
    }

    /**
     * The fraction of the prunable weights to keep at {@code progress}: compression^t for
     * geometric steps, the cubic removed share of AGP otherwise; 1 for fixed patterns (N:M).
     */
    private double keepAt(Model model, Progress progress) {
        if (method.keepRule().fixedFraction()) {
            return 1;
        }
        List<Parameter> weights = PrunableWeights.of(model, includeClassifier);
        if (!progress.cubic()) { // the same share of what is left at every step
            return keepFraction(model, weights, Math.pow(compression, progress.t()));
        }
        return 1 - progress.removedShare(1 - keepFraction(model, weights, compression));
    }

    /** New masks for the model, which is pruned in place. */
    public WeightMasks prune(Model model) {
        WeightMasks masks = new WeightMasks(model);
        try {
            prune(model, masks);
            return masks;
        } catch (RuntimeException e) {
            masks.close();
            throw e;
        }
    }

    /** Prunes further, to this pruner's compression, keeping what {@code masks} already removed. */
    public void prune(Model model, WeightMasks masks) {
        List<Parameter> weights = PrunableWeights.of(model, includeClassifier);
        double keep = method.keepRule().fixedFraction() ? 1 : keepFraction(model, weights, compression);
        prune(model, masks, keep, calibration);
    }

    /**
     * Prunes further until {@code density} of the prunable weights remain, keeping what
     * {@code masks} already removed (iterative magnitude pruning counts its rounds this way).
     */
    public void pruneToDensity(Model model, WeightMasks masks, double density) {
        prune(model, masks, density, calibration);
    }

    /**
     * Prunes until {@code keepFraction} of the prunable weights remain. Criteria with several
     * rounds (SynFlow) shrink the kept fraction exponentially, rescoring after each round.
     */
    private void prune(Model model, WeightMasks masks, double keepFraction, Calibration calibration) {
        if (!(keepFraction > 0 && keepFraction <= 1)) {
            throw new IllegalArgumentException("keep fraction must be in (0, 1], got " + keepFraction);
        }
        List<Parameter> weights = PrunableWeights.of(model, includeClassifier);
        WeightCriterion criterion = method.newCriterion(seed);
        if (criterion.usesData() && calibration == null) {
            throw new IllegalArgumentException("method '" + method.name() + "' needs calibration data: "
                    + "call optCalibration(loader, batches)");
        }
        Map<String, Shape> shapes = new LinkedHashMap<>();
        weights.forEach(w -> shapes.put(w.fullName(), w.value().getShape()));
        int rounds = criterion.rounds();
        for (int round = 1; round <= rounds; round++) {
            masks.apply(model);
            Map<String, float[]> scores = criterion.score(model, weights, calibration);
            for (Map.Entry<String, float[]> e : scores.entrySet()) {
                float[] old = masks.get(e.getKey());
                float[] s = e.getValue();
                Scores.requireNoNaN(s, method.name(), e.getKey());
                for (int i = 0; i < s.length; i++) {
                    if (old != null && old[i] == 0) {
                        s[i] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
            double keep = Math.pow(keepFraction, round / (double) rounds);
            Map<String, float[]> selected = method.keepRule().select(scores, shapes, keep);
            for (Parameter w : weights) {
                masks.set(w, selected.get(w.fullName()));
            }
        }
        masks.apply(model);
    }

    /**
     * The fraction of the prunable weights to keep so that total / non-zero parameters equals
     * {@code compression}, counting everything outside them (biases, batch norm, an unpruned
     * classifier) as kept.
     */
    public static double keepFraction(Model model, List<Parameter> prunable, double compression) {
        long total = 0;
        for (Parameter p : model.trainableParameters()) {
            total += p.value().size();
        }
        long prunableSize = prunable.stream().mapToLong(p -> p.value().size()).sum();
        long fixed = total - prunableSize;
        double keep = (total / compression - fixed) / prunableSize;
        if (keep <= 0) {
            double reachable = total / (double) (fixed + 1);
            throw new IllegalArgumentException(String.format(
                    "compression %s cannot be reached: the %,d parameters outside the prunable weights "
                            + "(biases, batch norm, the classifier) allow at most %.1f", compression, fixed, reachable));
        }
        return Math.min(1, keep);
    }

    /** {@code setMethod} is required; {@code setCompression} too unless the method is N:M. */
    public static final class Builder {
        private UnstructuredMethod method;
        private double compression = Double.NaN;
        private Calibration calibration;
        private boolean includeClassifier;
        private long seed;

        private Builder() {}

        /** A method by name ({@link UnstructuredMethods#names()}); unknown names fail here, listing the known ones. */
        public Builder setMethod(String name) {
            this.method = UnstructuredMethods.get(name);
            return this;
        }

        /** A method of your own: a per-weight criterion and an allocation ({@link KeepRule}). */
        public Builder setMethod(UnstructuredMethod method) {
            this.method = method;
            return this;
        }

        /** Total / non-zero parameters after pruning, at least 1 (4 keeps a quarter). */
        public Builder setCompression(double compression) {
            this.compression = compression;
            return this;
        }

        public Builder optCalibration(Calibration calibration) {
            this.calibration = calibration;
            return this;
        }

        /** Also prune the classifier's weights (default: it stays dense). */
        public Builder optIncludeClassifier(boolean include) {
            this.includeClassifier = include;
            return this;
        }

        /** Seed of the random criterion. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public UnstructuredPruner build() {
            if (method == null) {
                throw new IllegalArgumentException("UnstructuredPruner needs a method: call setMethod; known are "
                        + UnstructuredMethods.names());
            }
            if (!method.keepRule().fixedFraction() && !(compression >= 1)) {
                throw new IllegalArgumentException("compression must be at least 1 (4 keeps a quarter of the "
                        + "weights), got " + compression);
            }
            return new UnstructuredPruner(this);
        }
    }
}
