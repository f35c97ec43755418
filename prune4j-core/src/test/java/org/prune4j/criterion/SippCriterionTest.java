package org.prune4j.criterion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.prune4j.data.DataLoader;
import org.prune4j.data.ImageDataset;
import org.prune4j.data.SyntheticImages;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;
import org.prune4j.pruning.Progress;
import org.prune4j.pruning.PruningMethod;
import org.prune4j.pruning.PruningTarget;
import org.prune4j.pruning.StructuredPruner;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

class SippCriterionTest {

    private static final ImageDataset DATA =
            SyntheticImages.builder().setNumSamples(64).setShape(1, 4, 4).setNumClasses(5).optSeed(2).build();

    /**
     * The readers' output with the sampled, re-weighted channels, averaged over many samplings,
     * equals the dense output (within 5 standard errors), while one sampling differs from it.
     */
    @Test
    void thePrunedLayersOutputIsUnbiased() {
        try (Model model = Model.builder().setGraph(mlp()).optSeed(1).build()) {
            List<Group> groups = DependencyGraph.of(model.graph()).groups();
            Group hidden = groups.get(0);
            SippCriterion sipp = new SippCriterion(0);
            Calibration data = new Calibration(DataLoader.builder().setDataset(DATA).setBatchSize(32).build(), 2);
            double[] sensitivity = toDoubles(ChannelScores.of(model, sipp, groups, data).get(hidden));
            NDArray x = DataLoader.builder().setDataset(DATA.slice(0, 8)).setBatchSize(8).build().epoch(0).iterator().next()
                    .toNDList(model.manager()).get(0);
            double[] dense = output(model, x);
            NDArray original = model.parameter("out", "weight").value().duplicate();
            int trials = 3000;
            double[] sum = new double[dense.length];
            double[] sumSq = new double[dense.length];
            double largestSingleDeviation = 0;
            Random rng = new Random(7);
            for (int t = 0; t < trials; t++) {
                SensitivitySampling.Sample s = SensitivitySampling.draw(sensitivity, 6, rng);
                model.parameter("out", "weight").setValue(original.duplicate());
                SippCriterion.rescaleReaders(model, hidden, List.of(model.graph().node("out")), s.factors());
                double[] y = output(model, x);
                for (int i = 0; i < y.length; i++) {
                    sum[i] += y[i];
                    sumSq[i] += y[i] * y[i];
                    largestSingleDeviation = Math.max(largestSingleDeviation, Math.abs(y[i] - dense[i]));
                }
            }
            for (int i = 0; i < dense.length; i++) {
                double mean = sum[i] / trials;
                double sd = Math.sqrt(Math.max(0, sumSq[i] / trials - mean * mean));
                assertThat(mean).as("output %d", i).isCloseTo(dense[i],
                        org.assertj.core.api.Assertions.within(5 * sd / Math.sqrt(trials) + 1e-5));
            }
            assertThat(largestSingleDeviation).as("one sampling is not the dense layer").isGreaterThan(1e-2);
        }
    }

    /** Half of the kept channels are the most sensitive, the rest drawn; drawing twice keeps fewer. */
    @Test
    void theTopHalfIsKeptDeterministicallyAndAtMostTheBudgetStays() {
        double[] s = {0.9, 0.1, 0.5, 0.05, 0.3, 0.2, 0.7, 0.02};
        Random rng = new Random(1);
        for (int t = 0; t < 200; t++) {
            SensitivitySampling.Sample sample = SensitivitySampling.draw(s, 4, rng);
            assertThat(sample.factors()[0]).isEqualTo(1.0);
            assertThat(sample.factors()[6]).isEqualTo(1.0);
            assertThat(sample.deterministic()).isEqualTo(2);
            assertThat(sample.draws()).isEqualTo(2);
            assertThat(sample.kept()).isBetween(3, 4);
        }
        assertThat(SensitivitySampling.draw(s, 8, rng).factors()).containsOnly(1.0);
    }

    /**
     * Through the structured pruner (LeNet-5, 2× fewer MACs): the budget is met, and every group's
     * relative output error on the calibration data is within the bound the pruner logs.
     */
    @Test
    void pruningMeetsTheBudgetAndTheErrorStaysWithinTheBound() {
        try (Model model = Model.builder().setGraph(ModelZoo.build("lenet5", ZooOptions.fashionMnist())).optSeed(0).build()) {
            ImageDataset images = SyntheticImages.builder().setNumSamples(64).setShape(1, 28, 28).setNumClasses(10).build();
            Calibration data = new Calibration(DataLoader.builder().setDataset(images).setBatchSize(32).build(), 2);
            List<Group> groups = DependencyGraph.of(model.graph()).groups();
            SippCriterion sipp = new SippCriterion(3);
            Map<Group, float[]> scores = ChannelScores.of(model, sipp, groups, data);
            Map<Group, int[]> half = new LinkedHashMap<>();
            scores.forEach((g, s) -> half.put(g, lowest(s, s.length / 2)));
            Map<Group, int[]> removal = sipp.beforeRemoval(model, half);
            assertThat(sipp.reports()).hasSize(groups.size());
            for (SippCriterion.LayerReport r : sipp.reports()) {
                assertThat(r.kept()).as(r.group()).isLessThanOrEqualTo(r.channels() - r.channels() / 2);
                assertThat(r.empiricalError()).as(r.group()).isLessThanOrEqualTo(r.bound()).isPositive();
            }
            removal.forEach((g, r) -> assertThat(r.length).isGreaterThanOrEqualTo(half.get(g).length));

            long before = ModelSummary.of(model.graph()).macs();
            PruningMethod.Pruning p = StructuredPruner.builder().setCriterion("sipp")
                    .setTarget(PruningTarget.parse("macs=2x")).build().begin(model, data);
            p.pruneTo(Progress.done(), null);
            assertThat((double) before / ModelSummary.of(model.graph()).macs()).isGreaterThanOrEqualTo(2);
        }
    }

    private static Graph mlp() {
        return Graph.builder().setInput("x", new Shape(1, 4, 4))
                .add("flat", new FlattenOp(), "x")
                .add("hidden", new LinearOp(12))
                .add("act", ActivationOp.relu())
                .add("out", new LinearOp(5))
                .build();
    }

    private static double[] output(Model model, NDArray x) {
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray y = model.forward(x, false);
            y.attach(scope);
            return BatchGradient.doubles(y);
        }
    }

    private static int[] lowest(float[] s, int n) {
        return java.util.stream.IntStream.range(0, s.length).boxed().sorted((a, b) -> Float.compare(s[a], s[b]))
                .limit(n).mapToInt(Integer::intValue).sorted().toArray();
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
