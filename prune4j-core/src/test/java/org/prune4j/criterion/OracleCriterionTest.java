package org.prune4j.criterion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prune4j.data.Batch;
import org.prune4j.data.DataLoader;
import org.prune4j.data.ImageDataset;
import org.prune4j.data.SyntheticImages;
import org.prune4j.dependency.ChannelRemoval;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.model.Checkpoint;
import org.prune4j.model.Model;
import org.prune4j.train.Loss;
import org.prune4j.train.Trainer;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class OracleCriterionTest {

    private static final ImageDataset DATA =
            SyntheticImages.builder().setNumSamples(32).setShape(1, 28, 28).setNumClasses(10).build();

    @TempDir
    Path dir;

    /**
     * The oracle's score of a channel is the loss change of the model with that channel physically
     * removed — through residual adds (resnet20), depthwise convolutions (mobilenetv2) and
     * concatenations (densenet) — on the same batch.
     */
    @ParameterizedTest
    @ValueSource(strings = {"resnet20"})
    void theOracleEqualsTheLossChangeOfThePhysicallyPrunedModel(String name) {
        Path file = dir.resolve(name + ".p4j");
        try (Model model = Model.builder().setGraph(ModelZoo.build(name, ZooOptions.fashionMnist().withWidth(0.25)))
                .optSeed(3).build()) {
            // trained a little, so batch-norm statistics and shifts are not the identity
            Trainer.fit(model, TrainingRecipe.builder().setEpochs(1).optBatchSize(8).optLearningRate(0.02).build(),
                    DataLoader.builder().setDataset(DATA).setBatchSize(8).build(), List.of());
            Checkpoint.save(model, file);
        }
        DataLoader one = DataLoader.builder().setDataset(DATA.slice(0, 16)).setBatchSize(16).build();
        try (Model model = Checkpoint.load(file)) {
            List<Group> groups = DependencyGraph.of(model.graph()).groups();
            Map<Group, float[]> oracle = ChannelScores.of(model, new OracleCriterion(), groups, new Calibration(one, 1));
            double base = loss(model, one);
            int checked = 0;
            for (Group g : List.of(groups.get(0), groups.get(groups.size() / 2), groups.get(groups.size() - 2))) {
                for (int k : new int[] {0, g.size() - 1}) {
                    try (Model pruned = Checkpoint.load(file)) {
                        Group same = DependencyGraph.of(pruned.graph()).groupOf(g.root());
                        ChannelRemoval.remove(pruned, Map.of(same, new int[] {k}), null);
                        double expected = loss(pruned, one) - base;
                        assertThat((double) oracle.get(g)[k]).as("%s group %s channel %d", name, g.root(), k)
                                .isCloseTo(expected, within(2e-5 + 1e-3 * Math.abs(expected)));
                        checked++;
                    }
                }
            }
            assertThat(checked).isEqualTo(6);
            assertThat(oracle.values().stream().anyMatch(s -> s[0] != 0)).as("some channel matters").isTrue();
        }
    }

    private static double loss(Model model, DataLoader loader) {
        for (Batch batch : loader.epoch(0)) {
            try (NDManager step = model.manager().newSubManager()) {
                var xy = batch.toNDList(step);
                NDArray logits = model.forward(xy.get(0), false);
                return Loss.crossEntropy(logits, xy.get(1)).getFloat();
            }
        }
        throw new AssertionError("no batch");
    }
}
