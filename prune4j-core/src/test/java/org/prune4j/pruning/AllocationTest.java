package org.prune4j.pruning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.prune4j.criterion.Calibration;
import org.prune4j.criterion.ChannelCriteria;
import org.prune4j.criterion.ChannelScores;
import org.prune4j.data.DataLoader;
import org.prune4j.data.SyntheticImages;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.graph.Graph;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;
import org.prune4j.pruning.allocation.AllocationContext;
import org.prune4j.pruning.allocation.Allocations;
import org.prune4j.pruning.allocation.GradientRedundancyAllocation;
import org.prune4j.pruning.allocation.Levels;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.util.List;
import java.util.Map;

/** The allocations share a budget between groups as they claim, and each meets its target tightly. */
class AllocationTest {

    private static final Graph RESNET = ModelZoo.build("resnet20", ZooOptions.fashionMnist().withWidth(0.5));
    /** 4 batches: 2 for the criterion, 2 held out for the sensitivity measurements. */
    private static final Calibration DATA = new Calibration(DataLoader.builder().setBatchSize(16)
            .setDataset(SyntheticImages.builder().setNumSamples(64).setShape(1, 28, 28).setNumClasses(10).build())
            .build(), 2);

    /** The level that meets the target and the one below it, which misses it, differ by at most one channel per group. */
    @ParameterizedTest
    @CsvSource({"uniform,macs=2x", "global,params=2x", "sensitivity,macs=2x", "sensitivity,memory=2x@16",
        "pa,params=2x", "fa,macs=2x", "ma,memory=1.5x@16", "gradient-redundancy,macs=2x"})
    void eachAllocationMeetsItsTargetWithinOneChannelPerGroup(String name, String targetText) {
        PruningTarget target = PruningTarget.parse(targetText);
        try (Model model = Model.builder().setGraph(RESNET).optSeed(1).build()) {
            Map<Group, float[]> scores = scores(model);
            Levels levels = Allocations.create(name).levels(new AllocationContext(model, scores, DATA));
            ChannelSelector selector = new ChannelSelector(model.graph(), scores, Map.of(), 1, 1);
            double ceiling = target.measure(ModelSummary.of(model.graph())) / target.value();
            int level = selector.lowestLevel(levels, name, target, ceiling);
            assertThat(level).isPositive();
            assertThat(selector.measure(target, selector.select(levels.at(level)))).isLessThanOrEqualTo(ceiling);
            assertThat(selector.measure(target, selector.select(levels.at(level - 1)))).isGreaterThan(ceiling);
            Map<Group, Integer> at = levels.at(level);
            Map<Group, Integer> below = levels.at(level - 1);
            for (Group g : scores.keySet()) {
                assertThat(at.getOrDefault(g, 0) - below.getOrDefault(g, 0)).as(g.root()).isBetween(0, 1);
            }
        }
    }

    /** A group whose loss rises faster than another's when pruned alone never loses a larger share. */
    @Test
    void sensitivityRatiosAreMonotoneInTheMeasuredLoss() {
        try (Model model = Model.builder().setGraph(RESNET).optSeed(1).build()) {
            Map<Group, float[]> scores = scores(model);
            Levels levels = Allocations.create("sensitivity").levels(new AllocationContext(model, scores, DATA));
            @SuppressWarnings("unchecked")
            Map<String, List<Map<String, Object>>> curves =
                    (Map<String, List<Map<String, Object>>>) levels.report().get("curves");
            assertThat(curves).hasSize(scores.size());
            int dominating = 0;
            for (Group a : scores.keySet()) {
                for (Group b : scores.keySet()) {
                    if (a != b && dominates(curves.get(a.root()), curves.get(b.root()))) {
                        dominating++;
                        for (int level = 0; level <= levels.top(); level += Math.max(1, levels.top() / 50)) {
                            double ra = levels.at(level).get(a) / (double) a.size();
                            double rb = levels.at(level).get(b) / (double) b.size();
                            assertThat(ra).as("%s above %s at level %d", a.root(), b.root(), level)
                                    .isLessThanOrEqualTo(rb + 1.0 / Math.min(a.size(), b.size()));
                        }
                    }
                }
            }
            assertThat(dominating).as("pairs of groups where one curve lies above the other").isPositive();
        }
    }

    /** Whether a's running-maximum loss increase is at least b's at every measured ratio, and above at one. */
    private static boolean dominates(List<Map<String, Object>> a, List<Map<String, Object>> b) {
        double ma = 0;
        double mb = 0;
        boolean above = false;
        for (int i = 0; i < a.size(); i++) {
            ma = Math.max(ma, (Double) a.get(i).get("lossIncrease"));
            mb = Math.max(mb, (Double) b.get(i).get("lossIncrease"));
            if (ma < mb) {
                return false;
            }
            above |= ma > mb;
        }
        return above;
    }

    /** FLOPs-aware pruning cuts the 28×28 stage hardest, parameter-aware pruning the 7×7 stage (4× the channels). */
    @Test
    void complexityModesPruneTheGroupsThatCostMostInTheirTerms() {
        try (Model model = Model.builder().setGraph(RESNET).optSeed(1).build()) {
            Map<Group, float[]> scores = scores(model);
            Map<String, Double> pa = shareRemoved(model, scores, "pa", "params=2x");
            Map<String, Double> fa = shareRemoved(model, scores, "fa", "macs=2x");
            assertThat(meanAt(model, fa, 28)).isGreaterThan(meanAt(model, fa, 7));
            assertThat(meanAt(model, pa, 7)).isGreaterThan(meanAt(model, pa, 28));
        }
    }

    /** The mean share removed from the groups whose channels are maps of {@code size}×{@code size}. */
    private static double meanAt(Model model, Map<String, Double> shares, long size) {
        return shares.entrySet().stream().filter(e -> model.graph().shapeOf(e.getKey()).get(1) == size)
                .mapToDouble(Map.Entry::getValue).average().orElseThrow();
    }

    private static Map<String, Double> shareRemoved(Model model, Map<Group, float[]> scores, String allocation,
            String targetText) {
        PruningTarget target = PruningTarget.parse(targetText);
        Levels levels = Allocations.create(allocation).levels(new AllocationContext(model, scores, null));
        ChannelSelector selector = new ChannelSelector(model.graph(), scores, Map.of(), 1, 1);
        double ceiling = target.measure(ModelSummary.of(model.graph())) / target.value();
        Map<Group, Integer> at = levels.at(selector.lowestLevel(levels, allocation, target, ceiling));
        Map<String, Double> out = new java.util.HashMap<>();
        scores.keySet().forEach(g -> out.put(g.root(), at.getOrDefault(g, 0) / (double) g.size()));
        return out;
    }

    /** Each group loses a share proportional to its estimated maximum compression 1 - rank / channels. */
    @Test
    void gradientRedundancySharesTheBudgetByTheRankOfEachLayersGradient() {
        try (Model model = Model.builder().setGraph(RESNET).optSeed(1).build()) {
            Map<Group, float[]> scores = scores(model);
            Levels levels = Allocations.create("gradient-redundancy").levels(new AllocationContext(model, scores, DATA));
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> ranks = (Map<String, Map<String, Object>>) levels.report().get("gradientRank");
            // 2 batches of 16: the mean gradient of a layer is a sum of at most 32 × positions outer products,
            // and every rank is at most the layer's channels
            ranks.values().forEach(r -> assertThat((Integer) r.get("rank")).isBetween(1, (Integer) r.get("channels")));
            Map<Group, Integer> mid = levels.at(levels.top() / 4);
            double[] perRate = scores.keySet().stream().filter(g -> mid.get(g) < g.size())
                    .mapToDouble(g -> mid.get(g) / (double) g.size()
                            / (Double) ranks.get(g.root()).get("maxCompression"))
                    .filter(Double::isFinite).toArray();
            double max = java.util.Arrays.stream(perRate).max().orElseThrow();
            double min = java.util.Arrays.stream(perRate).min().orElseThrow();
            assertThat(max - min).as("share removed / max compression, equal up to one channel").isLessThan(0.2 * max);
        }
    }

    @Test
    void numericalRankCountsTheDirectionsThatHoldTheGradientsEnergy() {
        double[][] rankTwo = new double[6][5];
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 5; j++) {
                rankTwo[i][j] = (i + 1) * (j - 2) + Math.pow(-1, i) * (j == 3 ? 4 : 1);
            }
        }
        assertThat(GradientRedundancyAllocation.numericalRank(rankTwo)).isEqualTo(2);
        assertThat(GradientRedundancyAllocation.numericalRank(new double[3][4])).isZero();
    }

    @Test
    void anAllocationThatNeedsDataSaysSoWithoutData() {
        var run = PruningRun.builder().setReference(() -> {
            throw new AssertionError("no model may be loaded");
        }).setDataFree().setMethod(StructuredPruner.builder().setCriterion("l1")
                .setTarget(PruningTarget.parse("macs=2x")).optAllocation("sensitivity").build())
                .setSchedule(new PruningSchedules.OneShot())
                .setFineTune(org.prune4j.train.TrainingRecipe.fineTuneDefaults(), 0);
        assertThatThrownBy(run::build).hasMessageContaining("allocation 'sensitivity' measures the layers on data");
        try (Model model = Model.builder().setGraph(RESNET).optSeed(1).build()) {
            assertThatThrownBy(() -> StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("macs=2x"))
                    .optAllocation("gradient-redundancy").build().prune(model, null))
                    .hasMessageContaining("allocation 'gradient-redundancy' reads each layer's loss gradient")
                    .hasMessageContaining("give --data");
        }
    }

    @Test
    void theSensitivityCurvesAreRecordedInThePrunedModelsProvenance() {
        try (Model model = Model.builder().setGraph(RESNET).optSeed(1).build()) {
            StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("macs=2x"))
                    .optAllocation("sensitivity").optCalibration(DATA.loader(), 2).build().prune(model, null);
            assertThat(model.provenance().settings()).containsEntry("scope", "sensitivity")
                    .containsEntry("calibrationBatches", 2).containsKey("allocationReport");
        }
    }

    private static Map<Group, float[]> scores(Model model) {
        List<Group> groups = DependencyGraph.of(model.graph()).groups();
        return ChannelScores.of(model, ChannelCriteria.create("l1", 0), groups, null);
    }
}
