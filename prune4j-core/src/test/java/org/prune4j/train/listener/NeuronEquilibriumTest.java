package org.prune4j.train.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.prune4j.data.SyntheticImages;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.train.DataPipeline;
import org.prune4j.train.DataSplits;
import org.prune4j.train.EpochStats;
import org.prune4j.train.TrainingContext;
import org.prune4j.train.Trainer;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

class NeuronEquilibriumTest {

    /** 64 images in batches of 16, 3 epochs: 12 steps. */
    private static final DataSplits DATA = new DataSplits("synthetic",
            SyntheticImages.builder().setNumSamples(64).setShape(1, 28, 28).setNumClasses(10).build(),
            SyntheticImages.builder().setNumSamples(32).setShape(1, 28, 28).setNumClasses(10).optSeed(1).build());
    private static final TrainingRecipe RECIPE = TrainingRecipe.builder().setEpochs(3).optBatchSize(16)
            .optLearningRate(0.05).build();

    private static NeuronEquilibrium neq(double epsilon) {
        return new NeuronEquilibrium(DataPipeline.evalLoader("synthetic", DATA.test()), epsilon, 0.5);
    }

    private static Model model(String name, long seed) {
        return Model.builder().setGraph(ModelZoo.build(name, new ZooOptions(1, 28, 10, 0.5))).optSeed(seed).build();
    }

    @Test
    void neuronsAtEquilibriumKeepTheirWeightsThroughTheNextEpochDespiteMomentumAndDecay() {
        for (String name : new String[] {"mlp", "lenet5"}) {
            try (Model m = model(name, 1)) {
                NeuronEquilibrium all = neq(1e9); // every neuron is at equilibrium after the first epoch
                Map<String, float[]> afterFirstEpoch = new HashMap<>();
                TrainingListener record = new TrainingListener() {
                    @Override
                    public void onEpochEnd(TrainingContext context, EpochStats stats) {
                        if (context.epoch() == 0) {
                            context.model().trainableParameters().forEach(p -> afterFirstEpoch.put(p.fullName(),
                                    p.value().toFloatArray()));
                        }
                    }
                };
                Trainer.fit(m, RECIPE, DATA.trainLoader(RECIPE), List.of(all, record));
                assertThat(all.frozenNeurons()).isEqualTo(all.neurons());
                for (Parameter p : m.trainableParameters()) {
                    Object op = m.graph().node(p.node()).op();
                    if (op instanceof LinearOp || op instanceof Conv2dOp) {
                        assertThat(p.value().toFloatArray()).as("%s: %s frozen", name, p.fullName())
                                .isEqualTo(afterFirstEpoch.get(p.fullName()));
                    }
                }
                assertThat(all.savedBackwardShare()).as("epochs 2 and 3 of 3").isCloseTo(8 / 12.0,
                        org.assertj.core.data.Offset.offset(1e-9));
            }
        }
    }

    @Test
    void withAZeroThresholdNothingFreezesAndNothingIsSaved() {
        try (Model m = model("mlp", 2)) {
            NeuronEquilibrium none = neq(0);
            Trainer.fit(m, RECIPE, DATA.trainLoader(RECIPE), List.of(none));
            assertThat(none.frozenNeurons()).isZero();
            assertThat(none.savedBackwardShare()).isZero();
        }
    }

    @Test
    void theVelocityIsTheChangeInSimilarityLessMomentumTimesTheLastVelocity() {
        assertThat(NeuronEquilibrium.velocity(0.9, 0.5, 0.2, 0.5)).isCloseTo(0.3,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThatThrownBy(() -> neq(-1)).hasMessageContaining("epsilon >= 0");
    }
}
