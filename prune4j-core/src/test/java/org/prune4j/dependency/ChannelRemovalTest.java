package org.prune4j.dependency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.prune4j.data.Batch;
import org.prune4j.data.DataLoader;
import org.prune4j.data.SyntheticImages;
import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.AddOp;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.graph.ops.ConcatOp;
import org.prune4j.graph.ops.SliceOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.GlobalAvgPoolOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;
import org.prune4j.train.Trainer;
import org.prune4j.train.optim.Sgd;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

@Tag("engine-paths")   // rerun under every oneDNN instruction-set cap (prune4j-parent pom)
class ChannelRemovalTest {

    private static final Shape BATCH = new Shape(3, 1, 28, 28);

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "lenet5", "vgg11", "resnet20", "mobilenetv2", "densenet", "vit"})
    void prunedModelEqualsTheMaskedModelAndStillTrains(String name) {
        Graph graph = ModelZoo.build(name, ZooOptions.fashionMnist().withWidth(0.5));
        float[] input = random(3 * 28 * 28, 1);
        try (Model pruned = Model.builder().setGraph(graph).optSeed(5).build();
                Model masked = Model.builder().setGraph(graph).optSeed(5).build();
                Sgd sgd = Sgd.builder().optMomentum(0.9).build()) {
            // momentum state exists before pruning, so its slicing is exercised too
            Trainer trainer = Trainer.builder().setModel(pruned).setOptimizer(sgd).setSchedule(s -> 0.01).build();
            Batch batch = batch();
            Engines.seed(1);
            trainer.step(batch);
            copyWeights(pruned, masked);

            DependencyGraph deps = DependencyGraph.of(graph);
            assertThat(deps.groups()).isNotEmpty();
            Map<Group, int[]> choice = randomChoice(deps, new Random(name.hashCode()));
            ChannelRemoval.mask(masked, choice);
            ChannelRemoval.remove(pruned, choice, sgd);

            float[] expected = eval(masked, input);
            float[] actual = eval(pruned, input);
            for (int i = 0; i < expected.length; i++) {
                assertThat((double) actual[i]).as("%s logit %d", name, i)
                        .isCloseTo(expected[i], Offset.offset(1e-5 + 1e-5 * Math.abs(expected[i])));
            }
            assertThat(ModelSummary.of(pruned.graph()).parameters()).isLessThan(ModelSummary.of(graph).parameters());
            assertThat(pruned.parameterCount()).isEqualTo(ModelSummary.of(pruned.graph()).parameters());

            double first = trainer.step(batch);
            double last = first;
            for (int i = 0; i < 10; i++) {
                last = trainer.step(batch);
            }
            assertThat(last).as("pruned %s trains", name).isLessThan(first);
        }
    }

    @Test
    void aResidualStagesCoupledChannelsAreRemovedTogether() {
        Graph graph = ModelZoo.build("resnet20", ZooOptions.fashionMnist());
        Group stage1 = DependencyGraph.of(graph).groupOf("stem.conv");
        // the stem and every block of stage 1 write into the same residual stream
        assertThat(stage1.spaces()).contains("stem.conv", "stem.bn", "layer1.0.add", "layer1.0.branch2.conv",
                "layer1.2.add", "layer1.2.relu");
        assertThat(stage1.toString()).contains("layer1.1.branch2.bn [batchnorm]");
        try (Model model = Model.builder().setGraph(graph).build()) {
            stage1.prune(model, new int[] {0, 5}, null);
            Graph after = model.graph();
            for (String node : new String[] {"stem.conv", "layer1.0.branch2.conv", "layer1.1.add", "layer1.2.relu"}) {
                assertThat(after.shapeOf(node).get(0)).as(node).isEqualTo(14);
            }
            // the next stage's first conv and shortcut read 14 channels now
            assertThat(model.parameter("layer2.0.branch1.conv", "weight").value().getShape().get(1)).isEqualTo(14);
            assertThat(model.parameter("layer2.0.shortcut.conv", "weight").value().getShape().get(1)).isEqualTo(14);
            // the block-internal channels were not touched
            assertThat(after.shapeOf("layer1.0.branch1.conv").get(0)).isEqualTo(16);
        }
    }

    @Test
    void aGroupedConvIsPrunedByWholeGroupsAndKeepsItsGroupsWhenUntouched() {
        Graph graph = resnextBlock();
        DependencyGraph deps = DependencyGraph.of(graph);
        // the 1x1 conv feeding the 4-group conv: one removable channel per group (2 in, 4 out)
        Group bottleneck = deps.groupOf("reduce");
        assertThat(bottleneck.size()).isEqualTo(4);
        assertThat(bottleneck.indicesIn("reduce", 1)).containsExactly(2, 3);
        assertThat(bottleneck.indicesIn("grouped", 1)).containsExactly(4, 5, 6, 7);
        float[] input = random(3 * 28 * 28, 2);
        try (Model pruned = Model.builder().setGraph(graph).optSeed(3).build();
                Model masked = Model.builder().setGraph(graph).optSeed(3).build()) {
            Map<Group, int[]> choice = Map.of(bottleneck, new int[] {1, 3});
            ChannelRemoval.mask(masked, choice);
            ChannelRemoval.remove(pruned, choice, null);
            assertThat(((Conv2dOp) pruned.graph().node("grouped").op()).groups()).isEqualTo(2);
            assertThat(pruned.parameter("grouped", "weight").value().getShape()).isEqualTo(new Shape(8, 2, 3, 3));
            float[] expected = eval(masked, input);
            float[] actual = eval(pruned, input);
            for (int i = 0; i < expected.length; i++) {
                assertThat((double) actual[i]).isCloseTo(expected[i], Offset.offset(1e-5 + 1e-5 * Math.abs(expected[i])));
            }
        }
        try (Model model = Model.builder().setGraph(graph).build()) {
            deps.groupOf("stem").prune(model, new int[] {0}, null);
            assertThat(((Conv2dOp) model.graph().node("grouped").op()).groups()).isEqualTo(4);
        }
    }

    @Test
    void aChannelSliceKeepsExactlyItsSurvivingChannelsWhenChannelsBeforeAndInsideItGo() {
        Graph.Builder b = Graph.builder().setInput("x", new Shape(1, 28, 28));
        b.add("conv", Conv2dOp.builder().setOutChannels(8).setKernel(3).optPadding(1).build(), "x")
                .add("relu", ActivationOp.relu())
                .add("left", new SliceOp(0, 4), "relu")
                .add("left.conv", Conv2dOp.builder().setOutChannels(4).setKernel(3).optPadding(1).build())
                .add("right", new SliceOp(4, 8), "relu")
                .add("concat", new ConcatOp(), "left.conv", "right")
                .add("gap", new GlobalAvgPoolOp())
                .add("fc", new LinearOp(10));
        Graph graph = b.setOutput("fc").build();
        // the conv's channels split in two groups: those read by left.conv, and those the concat passes on
        DependencyGraph deps = DependencyGraph.of(graph);
        Group left = deps.groups().stream().filter(g -> g.spaces().contains("left")).findFirst().orElseThrow();
        Group right = deps.groups().stream().filter(g -> g.spaces().contains("right")).findFirst().orElseThrow();
        assertThat(right.indicesIn("conv", 1)).containsExactly(5);
        assertThat(right.indicesIn("right", 1)).containsExactly(1);
        assertThat(right.indicesIn("concat", 1)).containsExactly(5);
        float[] input = random(3 * 28 * 28, 4);
        try (Model pruned = Model.builder().setGraph(graph).optSeed(3).build();
                Model masked = Model.builder().setGraph(graph).optSeed(3).build()) {
            Map<Group, int[]> choice = Map.of(left, new int[] {1}, right, new int[] {1, 2});
            ChannelRemoval.mask(masked, choice); // both models share the graph, so its groups
            ChannelRemoval.remove(pruned, choice, null);
            // channels 1 (before the slice), 5 and 6 (inside it) went: 4..8 becomes 3..5
            SliceOp slice = (SliceOp) pruned.graph().node("right").op();
            assertThat(new int[] {slice.start(), slice.end()}).containsExactly(3, 5);
            assertThat(pruned.graph().shapeOf("concat").get(0)).isEqualTo(6);
            float[] expected = eval(masked, input);
            float[] actual = eval(pruned, input);
            for (int i = 0; i < expected.length; i++) {
                assertThat((double) actual[i]).isCloseTo(expected[i], Offset.offset(1e-5 + 1e-5 * Math.abs(expected[i])));
            }
        }
    }

    /** stem → 1×1 (8) → 3×3 with 4 groups (8 → 16) → 1×1 → classes: a ResNeXt-style bottleneck. */
    private static Graph resnextBlock() {
        Graph.Builder b = Graph.builder().setInput("x", new Shape(1, 28, 28));
        b.add("stem", Conv2dOp.builder().setOutChannels(6).setKernel(3).optPadding(1).build(), "x")
                .add("stem.relu", ActivationOp.relu())
                .add("reduce", Conv2dOp.builder().setOutChannels(8).setKernel(1).build())
                .add("reduce.bn", new BatchNormOp())
                .add("reduce.relu", ActivationOp.relu())
                .add("grouped", Conv2dOp.builder().setOutChannels(16).setKernel(3).optPadding(1).optGroups(4).build())
                .add("grouped.bn", new BatchNormOp())
                .add("grouped.relu", ActivationOp.relu())
                .add("expand", Conv2dOp.builder().setOutChannels(6).setKernel(1).build())
                .add("add", new AddOp(), "expand", "stem.relu")
                .add("gap", new GlobalAvgPoolOp())
                .add("fc", new LinearOp(10));
        return b.setOutput("fc").build();
    }

    @Test
    void anAttentionHeadIsRemovedWithItsQueryKeyValueAndOutputChannelsAndTheResidualStreamStays() {
        Graph graph = ModelZoo.build("vit", ZooOptions.fashionMnist());
        DependencyGraph deps = DependencyGraph.of(graph);
        Group heads = deps.groupOf("layers.0.attn.in_proj");
        assertThat(heads.size()).as("4 heads").isEqualTo(4);
        // head 1: channels 16..31 of q, k and v, i.e. 16..31, 80..95 and 144..159 of the projection
        assertThat(heads.indicesIn("layers.0.attn.in_proj", 1)).hasSize(48).contains(16, 31, 80, 95, 144, 159);
        assertThat(heads.indicesIn("layers.0.attn.heads", 1)).hasSize(16).contains(16, 31);
        assertThat(deps.groupOf("layers.0.mlp.fc1").size()).isEqualTo(128);
        assertThat(deps.groups()).noneMatch(g -> g.spaces().contains("patch.conv"));
        assertThat(deps.untouched()).anyMatch(u -> u.contains("patch.conv") && u.contains("layer norm"));
        try (Model model = Model.builder().setGraph(graph).build()) {
            heads.prune(model, new int[] {1, 3}, null);
            assertThat(model.parameter("layers.0.attn.in_proj", "weight").value().getShape()).isEqualTo(new Shape(96, 64, 1, 1));
            assertThat(model.parameter("layers.0.attn.out_proj", "weight").value().getShape()).isEqualTo(new Shape(64, 32, 1, 1));
            SliceOp v = (SliceOp) model.graph().node("layers.0.attn.v").op();
            assertThat(new int[] {v.start(), v.end()}).containsExactly(64, 96);
        }
    }

    @Test
    void flattenMapsOneChannelToABlockOfFeatures() {
        Graph graph = ModelZoo.build("lenet5", ZooOptions.fashionMnist());
        Group conv2 = DependencyGraph.of(graph).groupOf("conv2");
        assertThat(conv2.indicesIn("flatten", 3)).containsExactly(75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88,
                89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99);
    }

    @Test
    void concatOffsetsMapBranchChannelsIntoTheConcatenation() {
        Graph graph = ModelZoo.build("densenet", ZooOptions.fashionMnist());
        Group growth = DependencyGraph.of(graph).groupOf("block1.layer0.conv2");
        // stem has 24 channels, so the first layer's 12 new channels sit at 24..35 of every later concat
        assertThat(growth.indicesIn("block1.layer0.concat", 0)).containsExactly(24);
        assertThat(growth.indicesIn("block1.layer5.concat", 11)).containsExactly(35);
    }

    @Test
    void removingEveryChannelOfALayerIsRefusedAndChangesNothing() {
        Graph graph = ModelZoo.build("lenet5", ZooOptions.fashionMnist());
        try (Model model = Model.builder().setGraph(graph).build()) {
            Group conv1 = DependencyGraph.of(graph).groupOf("conv1");
            assertThatThrownBy(() -> conv1.prune(model, new int[] {0, 1, 2, 3, 4, 5}, null))
                    .hasMessageContaining("empty 'conv1'");
            assertThat(model.graph()).isSameAs(graph);
        }
    }

    @Test
    void theInputAndTheClassesAreNeverRemovable() {
        Graph graph = ModelZoo.build("mlp", ZooOptions.fashionMnist());
        DependencyGraph deps = DependencyGraph.of(graph);
        assertThat(deps.groups()).extracting(Group::root).containsExactly("fc1", "fc2");
        assertThatThrownBy(() -> deps.groupOf("fc3")).hasMessageContaining("fc3");
    }

    private static Map<Group, int[]> randomChoice(DependencyGraph deps, Random rng) {
        Map<Group, int[]> choice = new HashMap<>();
        for (Group g : deps.groups()) {
            int n = Math.max(1, g.size() / 3);
            int[] ks = rng.ints(0, g.size()).distinct().limit(n).toArray();
            if (ks.length < g.size()) {
                choice.put(g, ks);
            }
        }
        return choice;
    }

    private static void copyWeights(Model from, Model to) {
        from.parameters().forEach(p -> to.parameter(p.node(), p.name()).value().set(
                java.nio.FloatBuffer.wrap(p.value().toFloatArray())));
    }

    private static float[] eval(Model m, float[] input) {
        try (NDManager step = m.manager().newSubManager()) {
            return m.forward(Engines.create(step, input, BATCH), false).toFloatArray();
        }
    }

    private static Batch batch() {
        return DataLoader.builder().setBatchSize(16).setDataset(SyntheticImages.builder().setNumSamples(16)
                .setShape(1, 28, 28).setNumClasses(10).build()).build().epoch(0).iterator().next();
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
