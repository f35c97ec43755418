package org.prune4j.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.prune4j.graph.Graph;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;
import org.prune4j.data.Batch;
import org.prune4j.data.DataLoader;
import org.prune4j.data.SyntheticImages;
import org.prune4j.train.Trainer;
import org.prune4j.train.optim.Adam;

class ModelZooTest {

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "lenet5", "vgg11", "vgg16", "resnet20", "resnet32", "resnet56", "mobilenetv2", "densenet"})
    void everyArchitectureBuildsAndRunsForwardInBothModes(String name) {
        Graph g = ModelZoo.build(name, ZooOptions.fashionMnist());
        try (Model m = Model.builder().setGraph(g).optSeed(1).build();
                NDManager step = m.manager().newSubManager()) {
            NDArray x = step.randomNormal(new Shape(3, 1, 28, 28));
            assertThat(m.forward(x, true).getShape()).isEqualTo(new Shape(3, 10));
            assertThat(m.forward(x, false).getShape()).isEqualTo(new Shape(3, 10));
        }
        ModelSummary s = ModelSummary.of(g);
        assertThat(s.parameters()).isPositive();
        assertThat(s.macs()).isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "lenet5", "vgg11", "vgg16", "resnet20", "mobilenetv2", "densenet"})
    void everyArchitectureTrainsItsLossDownOnAFixedBatch(String name) {
        Batch batch = DataLoader.builder().setBatchSize(16).setDataset(SyntheticImages.builder().setNumSamples(16)
                .setShape(1, 28, 28).setNumClasses(10).build()).build().epoch(0).iterator().next();
        try (Model m = Model.builder().setGraph(ModelZoo.build(name, ZooOptions.fashionMnist().withWidth(0.5)))
                .optSeed(2).build(); Adam adam = Adam.builder().build()) {
            Trainer trainer = Trainer.builder().setModel(m).setOptimizer(adam).setSchedule(step -> 0.005).build();
            double first = trainer.step(batch);
            double last = first;
            for (int i = 0; i < 15; i++) {
                last = trainer.step(batch);
            }
            assertThat(last).as(name).isLessThan(first * 0.7);
        }
    }

    @Test
    void architecturesAdaptToInputChannelsImageSizeAndClasses() {
        ZooOptions cifar = new ZooOptions(3, 32, 100, 0.5);
        for (ZooArchitecture a : ModelZoo.architectures()) {
            Graph g = a.build(cifar);
            assertThat(g.inputShape()).isEqualTo(new Shape(3, 32, 32));
            assertThat(g.outputShape()).as(a.name()).isEqualTo(new Shape(100));
        }
    }

    @Test
    void resnet20HasTheKnownParameterCount() {
        // He et al. report 0.27 M for ResNet-20 on CIFAR-10 (option A shortcuts); projection
        // shortcuts add 2 x (1x1 conv + BN): 16*32 + 64 + 32*64 + 128 = 2,752.
        ModelSummary s = ModelSummary.of(ModelZoo.build("resnet20", new ZooOptions(3, 32, 10, 1)));
        assertThat(s.parameters()).isEqualTo(269_722 + 2_752);
    }

    @Test
    void lenet5CountsMatchAHandComputation() {
        ModelSummary s = ModelSummary.of(ModelZoo.build("lenet5", ZooOptions.fashionMnist()));
        long params = (6 * 25 + 6) + (16 * 6 * 25 + 16) + (400 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10);
        long macs = 6L * 28 * 28 * 25 + 16L * 10 * 10 * 6 * 25 + 400 * 120 + 120 * 84 + 84 * 10;
        assertThat(s.parameters()).isEqualTo(params);
        assertThat(s.macs()).isEqualTo(macs);
    }

    @Test
    void unknownModelNamesTheKnownOnes() {
        assertThatThrownBy(() -> ModelZoo.get("resnet19"))
                .hasMessageContaining("resnet19").hasMessageContaining("resnet20");
    }
}
