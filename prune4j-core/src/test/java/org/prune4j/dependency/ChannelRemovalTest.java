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
    @ValueSource(strings = {"mlp", "lenet5", "vgg11", "resnet20", "mobilenetv2", "densenet"})
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
