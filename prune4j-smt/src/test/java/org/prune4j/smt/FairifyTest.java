package org.prune4j.smt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;

import java.util.Random;

class FairifyTest {

    private static final int FEATURES = 4;
    private static final int PROTECTED = 2;

    /** 4 features → 6 ReLUs → 2 logits, random weights; {@code protectedWeight} scales the protected column. */
    private static Model network(double protectedWeight, long seed) {
        Graph g = Graph.builder().setInput("x", new Shape(FEATURES, 1, 1)).add("flat", new FlattenOp(), "x")
                .add("fc1", new LinearOp(6), "flat").add("relu", ActivationOp.relu(), "fc1")
                .add("fc2", new LinearOp(2), "relu").setOutput("fc2").build();
        Model model = Model.builder().setGraph(g).optSeed(seed).build();
        Random rng = new Random(seed);
        float[] w = new float[6 * FEATURES];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rng.nextGaussian();
            if (i % FEATURES == PROTECTED) {
                w[i] *= (float) protectedWeight;
            }
        }
        model.parameter("fc1", "weight").setValue(model.manager().create(w, new Shape(6, FEATURES)));
        // unit 5 can never fire on [0, 1]^4 inputs: interval bounds prune it
        float[] b = {0.1f, -0.2f, 0.3f, 0f, 0.2f, -100f};
        model.parameter("fc1", "bias").setValue(model.manager().create(b));
        return model;
    }

    @Test
    void aCounterexampleReallyGetsTwoDecisionsWhenRunThroughTheNetwork() {
        try (Model model = network(8, 1)) {
            FairifyReport report = Fairify.builder().setModel(model).setProtectedFeature(PROTECTED)
                    .optSplits(new int[] {0}, 2).build().run();
            assertThat(report.count(Verdict.COUNTEREXAMPLE)).isPositive();
            for (PartitionResult p : report.partitions()) {
                if (p.verdict() != Verdict.COUNTEREXAMPLE) {
                    continue;
                }
                double[] x = p.counterexample();
                for (int f = 0; f < FEATURES; f++) {
                    assertThat(x[f]).isBetween(p.lower()[f] - 1e-9, p.upper()[f] + 1e-9);
                }
                float[] twins = new float[2 * FEATURES];
                for (int f = 0; f < FEATURES; f++) {
                    twins[f] = (float) x[f];
                    twins[FEATURES + f] = f == PROTECTED ? 1f : (float) x[f];
                }
                try (NDManager m = model.manager().newSubManager()) {
                    long[] decisions = model.forward(m.create(twins, new Shape(2, FEATURES, 1, 1)), false).argMax(1)
                            .toLongArray();
                    assertThat(decisions[0]).as("partition %d", p.index()).isNotEqualTo(decisions[1]);
                }
                assertThat(p.confirmed()).as("Fairify's own check agrees").isTrue();
            }
        }
    }

    @Test
    void partitionsAroundExamplesFixTheUnsplitFeaturesAndHoldTheirExample() {
        double[][] examples = {
            {0.1, 0.5, 0, 0.25}, {0.2, 0.5, 1, 0.25}, // the same partition: feature 0 in [0, 0.5), protected differs
            {0.3, 0.25, 0, 0.5}, {0.9, 0.0, 0, 1.0}, {0.6, 0.75, 1, 0.5},
        };
        try (Model model = network(8, 1)) {
            FairifyReport report = Fairify.builder().setModel(model).setProtectedFeature(PROTECTED)
                    .optSplits(new int[] {0}, 2).optAroundExamples(examples).build().run();
            assertThat(report.partitions()).hasSize(4);
            assertThat(report.partitions()).extracting(p -> p.lower()[0] + "-" + p.upper()[0] + "/" + p.lower()[1])
                    .containsExactly("0.0-0.5/0.5", "0.0-0.5/0.25", "0.5-1.0/0.0", "0.5-1.0/0.75");
            for (PartitionResult p : report.partitions()) {
                assertThat(p.lower()[1]).as("unsplit features are fixed").isEqualTo(p.upper()[1]);
                assertThat(p.lower()[3]).isEqualTo(p.upper()[3]);
                assertThat(p.lower()[PROTECTED]).as("the protected feature spans its values").isEqualTo(0);
                assertThat(p.upper()[PROTECTED]).isEqualTo(1);
                assertThat(p.verdict()).as("one free feature: the solver settles it").isNotEqualTo(Verdict.UNKNOWN);
                if (p.verdict() == Verdict.COUNTEREXAMPLE) {
                    assertThat(p.confirmed()).isTrue();
                }
            }
        }
    }

    @Test
    void aNetworkThatDoesNotReadTheProtectedFeatureIsVerifiedEverywhereWithAndWithoutPruning() {
        try (Model model = network(0, 2)) {
            for (boolean prune : new boolean[] {true, false}) {
                FairifyReport report = Fairify.builder().setModel(model).setProtectedFeature(PROTECTED)
                        .optSplits(new int[] {0, 1}, 2).optPruneStableUnits(prune).build().run();
                assertThat(report.partitions()).hasSize(4);
                assertThat(report.count(Verdict.VERIFIED)).as("pruning %s", prune).isEqualTo(4);
                if (prune) {
                    assertThat(report.inactiveUnits()).as("unit 5 (and others) pruned in each partition")
                            .isGreaterThanOrEqualTo(4);
                } else {
                    assertThat(report.inactiveUnits()).isZero();
                }
            }
        }
    }

    @Test
    void aPartitionWhoseDecisionCannotChangeIsVerifiedByIntervalBoundsWithoutTheSolver() {
        try (Model model = network(8, 1)) {
            // logit 0 − logit 1 ≥ 200 − |weights|·(bounded activations): class 0 everywhere
            model.parameter("fc2", "bias").setValue(model.manager().create(new float[] {100f, -100f}));
            FairifyReport bounded = Fairify.builder().setModel(model).setProtectedFeature(PROTECTED)
                    .optSplits(new int[] {0}, 2).build().run();
            assertThat(bounded.partitions()).allMatch(p -> p.verdict() == Verdict.VERIFIED && p.byBounds());
            FairifyReport solved = Fairify.builder().setModel(model).setProtectedFeature(PROTECTED)
                    .optSplits(new int[] {0}, 2).optPruneStableUnits(false).build().run();
            assertThat(solved.partitions()).allMatch(p -> p.verdict() == Verdict.VERIFIED && !p.byBounds());
        }
    }

    @Test
    void pruningStableUnitsNeverChangesAVerdict() {
        for (long seed = 3; seed < 7; seed++) {
            try (Model model = network(0.3, seed)) {
                FairifyReport pruned = Fairify.builder().setModel(model).setProtectedFeature(PROTECTED)
                        .optSplits(new int[] {0, 3}, 3).build().run();
                FairifyReport full = Fairify.builder().setModel(model).setProtectedFeature(PROTECTED)
                        .optSplits(new int[] {0, 3}, 3).optPruneStableUnits(false).build().run();
                for (int p = 0; p < pruned.partitions().size(); p++) {
                    assertThat(pruned.partitions().get(p).verdict()).as("seed %d partition %d", seed, p)
                            .isEqualTo(full.partitions().get(p).verdict());
                }
            }
        }
    }

    @Test
    void networksFairifyCannotEncodeAndBadSettingsAreRefused() {
        Graph conv = Graph.builder().setInput("x", new Shape(1, 4, 4))
                .add("conv", Conv2dOp.builder().setOutChannels(2).setKernel(3).build(), "x")
                .add("flat", new FlattenOp(), "conv").add("fc", new LinearOp(2), "flat").setOutput("fc").build();
        try (Model model = Model.builder().setGraph(conv).build(); Model fc = network(1, 1)) {
            assertThatThrownBy(() -> Fairify.builder().setModel(model).setProtectedFeature(0).build())
                    .hasMessageContaining("node 'conv'");
            assertThatThrownBy(() -> Fairify.builder().setModel(fc).setProtectedFeature(4).build())
                    .hasMessageContaining("protected feature 4 is not one of the 4 input features");
            assertThatThrownBy(() -> Fairify.builder().setModel(fc).setProtectedFeature(2)
                    .optSplits(new int[] {2}, 2).build()).hasMessageContaining("cannot split on feature 2");
            assertThatThrownBy(() -> Fairify.builder().setModel(fc).setProtectedFeature(2)
                    .optAroundExamples(new double[][] {{0, 0, 0, 1.5}}).build())
                    .hasMessageContaining("example 0's feature 3 is 1.5, outside its domain [0.0, 1.0]");
        }
    }
}
