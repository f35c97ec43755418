package org.prune4j.pruning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import org.prune4j.data.DataLoader;
import org.prune4j.dependency.ChannelRemoval;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.criterion.ChannelCriteria;
import org.prune4j.criterion.ChannelCriterion;
import org.prune4j.criterion.Normalizer;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;
import org.prune4j.model.ParameterState;
import org.prune4j.criterion.Calibration;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scores, selects and removes channels until a {@link PruningTarget} is met, in one step or in
 * several (each step takes an equal share of the reduction; a callback may fine-tune between
 * steps). Pruning removes channels for real: the model gets smaller.
 */
public final class StructuredPruner {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StructuredPruner.class);

    /** Called after every step but the last, e.g. to fine-tune. */
    @FunctionalInterface
    public interface StepListener {
        void afterStep(Model model, int step);
    }

    /** What one step did. */
    public record StepRecord(int step, long macsBefore, long macsAfter, long paramsBefore, long paramsAfter,
            int channelsRemoved) {}

    private final ChannelCriterion.Factory criterion;
    private final PruningTarget target;
    private final Scope scope;
    private final Normalizer normalizer;
    private final int steps;
    private final Set<String> ignoredLayers;
    private final Map<String, Double> layerRatios;
    private final int minChannels;
    private final int roundTo;
    private final DataLoader calibration;
    private final int calibrationBatches;
    private final long seed;
    private final StepListener betweenSteps;

    private StructuredPruner(Builder b) {
        this.criterion = b.criterion;
        this.target = b.target;
        this.scope = b.scope;
        this.normalizer = b.normalizer;
        this.steps = b.steps;
        this.ignoredLayers = Set.copyOf(b.ignoredLayers);
        this.layerRatios = Map.copyOf(b.layerRatios);
        this.minChannels = b.minChannels;
        this.roundTo = b.roundTo;
        this.calibration = b.calibration;
        this.calibrationBatches = b.calibrationBatches;
        this.seed = b.seed;
        this.betweenSteps = b.betweenSteps;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Prunes {@code model} in place; {@code state} (an optimizer's, may be null) is sliced too. */
    public List<StepRecord> prune(Model model, ParameterState state) {
        ignoredLayers.forEach(model.graph()::node); // unknown names fail here, naming the nodes
        layerRatios.keySet().forEach(model.graph()::node);
        ModelSummary original = ModelSummary.of(model.graph());
        List<StepRecord> records = new ArrayList<>();
        for (int step = 1; step <= steps; step++) {
            ModelSummary before = ModelSummary.of(model.graph());
            DependencyGraph deps = DependencyGraph.of(model.graph());
            if (step == 1) {
                deps.untouched().forEach(LOG::warn); // never a wrong model: what cannot follow stays
            }
            List<Group> groups = eligible(deps);
            ChannelCriterion criterion = this.criterion.create(seed + step);
            if (criterion.usesData()) {
                calibrate(model, criterion, groups);
            }
            Map<Group, float[]> scores = new LinkedHashMap<>();
            for (Group g : groups) {
                scores.put(g, normalizer.apply(criterion.score(model, g)));
            }
            double stepShare = 1.0 / steps;
            Map<Group, Double> fixed = new HashMap<>();
            for (Group g : groups) {
                for (Map.Entry<String, Double> r : layerRatios.entrySet()) {
                    if (g.spaces().contains(r.getKey())) {
                        fixed.put(g, 1 - Math.pow(1 - r.getValue(), stepShare));
                    }
                }
            }
            ChannelSelector selector = new ChannelSelector(model.graph(), scores, fixed, minChannels, roundTo);
            Map<Group, int[]> removal;
            if (target.kind() == PruningTarget.Kind.RATIO) {
                removal = selector.byRatio(scope, 1 - Math.pow(1 - target.value(), stepShare));
            } else {
                double originalValue = target.kind() == PruningTarget.Kind.MACS ? original.macs() : original.parameters();
                double ceiling = originalValue / Math.pow(target.value(), step * stepShare);
                removal = selector.byCeiling(scope, target.kind(), ceiling, target.toString());
            }
            int count = removal.values().stream().mapToInt(a -> a.length).sum();
            ChannelRemoval.remove(model, removal, state);
            ModelSummary after = ModelSummary.of(model.graph());
            records.add(new StepRecord(step, before.macs(), after.macs(), before.parameters(), after.parameters(), count));
            if (step < steps && betweenSteps != null) {
                betweenSteps.afterStep(model, step);
            }
        }
        return records;
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

    /** Forward and backward on the calibration batches; the criterion observes each. */
    private void calibrate(Model model, ChannelCriterion criterion, List<Group> groups) {
        if (calibration == null) {
            throw new IllegalArgumentException("criterion '" + criterion.name() + "' needs calibration data: "
                    + "call optCalibration(loader, batches)");
        }
        List<String> gated = criterion.gatedNodes(model, groups);
        new Calibration(calibration, calibrationBatches).forEachBackward(model, (step, batchSize) -> {
            Map<String, NDArray> gates = new HashMap<>();
            for (String node : gated) {
                long[] s = model.graph().shapeOf(node).getShape();
                Shape gateShape = s.length == 3 ? new Shape(batchSize, s[0], 1, 1) : new Shape(batchSize, s[0]);
                NDArray gate = step.ones(gateShape, model.dataType());
                gate.setRequiresGradient(true);
                gates.put(node, gate);
            }
            return gates;
        }, 1, gates -> criterion.observe(model, groups, gates));
    }

    /** {@code setCriterion} and {@code setTarget} are required. */
    public static final class Builder {
        private ChannelCriterion.Factory criterion;
        private PruningTarget target;
        private Scope scope = Scope.UNIFORM;
        private Normalizer normalizer = Normalizer.MEAN;
        private int steps = 1;
        private Set<String> ignoredLayers = Set.of();
        private Map<String, Double> layerRatios = Map.of();
        private int minChannels = 1;
        private int roundTo = 1;
        private DataLoader calibration;
        private int calibrationBatches = 8;
        private long seed;
        private StepListener betweenSteps;

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

        public Builder optScope(Scope scope) {
            this.scope = scope;
            return this;
        }

        public Builder optNormalizer(Normalizer normalizer) {
            this.normalizer = normalizer;
            return this;
        }

        public Builder optSteps(int steps) {
            this.steps = steps;
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

        /** Batches for data-driven criteria (Taylor): the first {@code batches} of epoch 0. */
        public Builder optCalibration(DataLoader loader, int batches) {
            this.calibration = loader;
            this.calibrationBatches = batches;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder optBetweenSteps(StepListener listener) {
            this.betweenSteps = listener;
            return this;
        }

        public StructuredPruner build() {
            if (criterion == null || target == null) {
                throw new IllegalArgumentException("StructuredPruner needs setCriterion and setTarget");
            }
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be at least 1, got " + steps);
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
