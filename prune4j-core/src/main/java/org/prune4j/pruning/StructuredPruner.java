package org.prune4j.pruning;


import org.prune4j.data.DataLoader;
import org.prune4j.dependency.ChannelRemoval;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.criterion.ChannelCriteria;
import org.prune4j.criterion.ChannelCriterion;
import org.prune4j.criterion.Normalizer;
import org.prune4j.criterion.ChannelScores;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;
import org.prune4j.model.ParameterState;
import org.prune4j.criterion.Calibration;
import org.prune4j.pruning.allocation.Allocation;
import org.prune4j.pruning.allocation.AllocationContext;
import org.prune4j.pruning.allocation.Allocations;
import org.prune4j.pruning.allocation.Levels;
import org.prune4j.pruning.allocation.UniformAllocation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Structured pruning: scores the channels of every group with a criterion, shares a
 * {@link PruningTarget} between the groups with an {@link Allocation} (uniform, global ranking,
 * sensitivity, complexity, gradient redundancy), removes the least important channels, and
 * removes them for real: the model gets smaller. As a {@link PruningMethod} it prunes in as many
 * steps as a {@link PruningSchedule} asks; {@link #prune} is the one-shot shortcut.
 *
 * <pre>{@code
 * StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("macs=2x")).build()
 *         .prune(model, null);
 * }</pre>
 */
public final class StructuredPruner implements PruningMethod {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StructuredPruner.class);

    private final ChannelCriterion.Factory criterion;
    private final String criterionName;
    private final PruningTarget target;
    private final Allocation allocation;
    private final Normalizer normalizer;
    private final Set<String> ignoredLayers;
    private final Map<String, Double> layerRatios;
    private final int minChannels;
    private final int roundTo;
    private final DataLoader calibration;
    private final int calibrationBatches;
    private final long seed;

    private StructuredPruner(Builder b) {
        this.criterion = b.criterion;
        this.criterionName = b.criterion.create(b.seed).name();
        this.target = b.target;
        this.allocation = b.allocation;
        this.normalizer = b.normalizer;
        this.ignoredLayers = Set.copyOf(b.ignoredLayers);
        this.layerRatios = Map.copyOf(b.layerRatios);
        this.minChannels = b.minChannels;
        this.roundTo = b.roundTo;
        this.calibration = b.calibration;
        this.calibrationBatches = b.calibrationBatches;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public PruningKind kind() {
        return PruningKind.STRUCTURED;
    }

    @Override
    public String name() {
        return criterionName;
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("criterion", criterionName);
        m.put("target", target.toString());
        m.put("scope", allocation.name());
        m.put("normalizer", normalizer.name().toLowerCase(java.util.Locale.ROOT));
        m.put("ignoredLayers", ignoredLayers.stream().sorted().toList());
        m.put("layerRatios", new java.util.TreeMap<>(layerRatios));
        m.put("minChannels", minChannels);
        m.put("roundTo", roundTo);
        m.put("seed", seed);
        return m;
    }

    /** Prunes {@code model} to the target in one step; {@code state} (an optimizer's, may be null) is sliced too. */
    public PruningStep prune(Model model, ParameterState state) {
        try (Pruning p = begin(model, null)) {
            return p.pruneTo(Progress.done(), state);
        }
    }

    @Override
    public boolean usesData() {
        return criterion.create(seed).usesData() || allocation.usesData();
    }

    @Override
    public String whyData() {
        return allocation.usesData() ? "allocation '" + allocation.name() + "' measures the layers on data"
                : PruningMethod.super.whyData();
    }

    @Override
    public Pruning begin(Model model, Calibration calibration) {
        ignoredLayers.forEach(model.graph()::node); // unknown names fail here, naming the nodes
        layerRatios.keySet().forEach(model.graph()::node);
        Calibration data = calibration != null ? calibration
                : this.calibration == null ? null : new Calibration(this.calibration, calibrationBatches);
        return new Run(model, data);
    }

    /** A structured pruning in progress: remembers the original size and how far it has come. */
    private final class Run implements Pruning {
        private final Model model;
        private final Calibration data;
        private final ModelSummary original;
        private double done;
        private int step;
        private boolean usedData;
        private final PruneRecord record = new PruneRecord();

        Run(Model model, Calibration data) {
            this.model = model;
            this.data = data;
            this.original = ModelSummary.of(model.graph());
        }

        @Override
        public PruningStep pruneTo(Progress progress, ParameterState state) {
            ModelSummary before = ModelSummary.of(model.graph());
            if (progress.t() <= done) {
                return new PruningStep(step, done, before.macs(), before.macs(), before.parameters(),
                        before.parameters(), 0);
            }
            step++;
            Choice choice = choose(progress, seed + step);
            if (step == 1) {
                choice.deps().untouched().forEach(LOG::warn); // never a wrong model: what cannot follow stays
            }
            ChannelCriterion c = choice.criterion();
            Levels levels = choice.levels();
            Map<Group, int[]> removal = choice.removal();
            removal = c.beforeRemoval(model, removal);
            int count = removal.values().stream().mapToInt(a -> a.length).sum();
            ChannelRemoval.remove(model, removal, state);
            done = progress.t();
            record.update(model, StructuredPruner.this, usedData ? data : null, done, step, c.report(),
                    levels.report());
            ModelSummary after = ModelSummary.of(model.graph());
            return new PruningStep(step, done, before.macs(), after.macs(), before.parameters(), after.parameters(),
                    count);
        }

        @Override
        public Map<Group, int[]> plan() {
            return choose(Progress.done(), seed + step + 1).removal();
        }

        /** What a step chose: the groups, the criterion that scored them, the allocation's levels and the removal. */
        private record Choice(DependencyGraph deps, ChannelCriterion criterion, Levels levels, Map<Group, int[]> removal) {}

        /** Scores, allocates and selects the channels that reach {@code progress}, changing nothing. */
        private Choice choose(Progress progress, long criterionSeed) {
            DependencyGraph deps = DependencyGraph.of(model.graph());
            List<Group> groups = eligible(deps);
            ChannelCriterion c = criterion.create(criterionSeed);
            usedData |= c.usesData() || allocation.usesData();
            Map<Group, float[]> scores = new LinkedHashMap<>();
            ChannelScores.of(model, c, groups, data).forEach((g, raw) -> scores.put(g, normalizer.apply(raw)));
            Map<Group, Double> fixed = new HashMap<>();
            for (Group g : groups) {
                for (Map.Entry<String, Double> r : layerRatios.entrySet()) {
                    if (g.spaces().contains(r.getKey())) {
                        fixed.put(g, stepRatio(r.getValue(), progress));
                    }
                }
            }
            ChannelSelector selector = new ChannelSelector(model.graph(), scores, fixed, minChannels, roundTo);
            Map<Group, float[]> searchable = new LinkedHashMap<>(scores);
            searchable.keySet().removeAll(fixed.keySet());
            Levels levels = allocation.levels(new AllocationContext(model, searchable, data));
            Map<Group, int[]> removal;
            if (target.kind() == PruningTarget.Kind.RATIO) {
                removal = selector.byRatio(levels, stepRatio(target.value(), progress));
            } else {
                double originalValue = target.measure(original);
                double ceiling = progress.cubic()
                        ? originalValue * (1 - progress.removedShare(1 - 1 / target.value()))
                        : originalValue / Math.pow(target.value(), progress.t());
                removal = selector.byCeiling(levels, allocation.name(), target, ceiling);
            }
            return new Choice(deps, c, levels, removal);
        }

        /** The share of the current channels to remove to go from {@code done} to {@code progress}. */
        private double stepRatio(double finalRatio, Progress progress) {
            if (!progress.cubic()) {
                return 1 - Math.pow(1 - finalRatio, progress.t() - done);
            }
            double keptNow = 1 - Progress.cubic(done).removedShare(finalRatio);
            return 1 - (1 - progress.removedShare(finalRatio)) / keptNow;
        }
    }

    private List<Group> eligible(DependencyGraph deps) {
        List<Group> out = new ArrayList<>();
        for (Group g : deps.groups()) {
            if (g.spaces().stream().noneMatch(ignoredLayers::contains)) {
                out.add(g);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no prunable groups left (ignored layers: " + ignoredLayers + ")");
        }
        return out;
    }

    /** {@code setCriterion} and {@code setTarget} are required. */
    public static final class Builder {
        private ChannelCriterion.Factory criterion;
        private PruningTarget target;
        private Allocation allocation = new UniformAllocation();
        private Normalizer normalizer = Normalizer.MEAN;
        private Set<String> ignoredLayers = Set.of();
        private Map<String, Double> layerRatios = Map.of();
        private int minChannels = 1;
        private int roundTo = 1;
        private DataLoader calibration;
        private int calibrationBatches = 8;
        private long seed;

        private Builder() {}

        /** A criterion by name ({@link ChannelCriteria#names()}); unknown names fail here, listing the known ones. */
        public Builder setCriterion(String name) {
            this.criterion = ChannelCriteria.factory(name);
            return this;
        }

        /** A criterion of your own: the factory makes a fresh one for every step. */
        public Builder setCriterion(ChannelCriterion.Factory factory) {
            this.criterion = factory;
            return this;
        }

        public Builder setTarget(PruningTarget target) {
            this.target = target;
            return this;
        }

        /** How the budget is shared between groups, by name ({@link Allocations#names()}); uniform by default. */
        public Builder optAllocation(String name) {
            this.allocation = Allocations.create(name);
            return this;
        }

        /** An allocation of your own. */
        public Builder optAllocation(Allocation allocation) {
            this.allocation = allocation;
            return this;
        }

        public Builder optNormalizer(Normalizer normalizer) {
            this.normalizer = normalizer;
            return this;
        }

        /** Layers whose channels stay (every group touching them is left alone). */
        public Builder optIgnoredLayers(Set<String> layers) {
            this.ignoredLayers = layers;
            return this;
        }

        /** Fixed ratios for the groups of some layers, outside the global search. */
        public Builder optLayerRatios(Map<String, Double> ratios) {
            this.layerRatios = ratios;
            return this;
        }

        public Builder optMinChannels(int minChannels) {
            this.minChannels = minChannels;
            return this;
        }

        /** Keep channel counts at multiples of {@code n} (hardware-friendly, e.g. 8). */
        public Builder optRoundTo(int n) {
            this.roundTo = n;
            return this;
        }

        /**
         * Batches for data-driven criteria (Taylor): the first {@code batches} of epoch 0, when the
         * pruner is used on its own (a {@link PruningRun} passes its own calibration).
         */
        public Builder optCalibration(DataLoader loader, int batches) {
            this.calibration = loader;
            this.calibrationBatches = batches;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public StructuredPruner build() {
            if (criterion == null || target == null) {
                throw new IllegalArgumentException("StructuredPruner needs setCriterion and setTarget");
            }
            if (minChannels < 1) {
                throw new IllegalArgumentException("minimum channels must be at least 1, got " + minChannels);
            }
            if (roundTo < 1) {
                throw new IllegalArgumentException("round-to must be at least 1, got " + roundTo);
            }
            if (calibrationBatches < 1) {
                throw new IllegalArgumentException("calibration batches must be at least 1, got " + calibrationBatches);
            }
            layerRatios.forEach((layer, r) -> {
                if (!(r > 0 && r < 1)) {
                    throw new IllegalArgumentException("ratio for layer '" + layer + "' must be in (0, 1), got " + r);
                }
            });
            return new StructuredPruner(this);
        }
    }
}
