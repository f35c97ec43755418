package org.prune4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TrainingRecipeTest {

    @Test
    void aMisspelledScheduleOrOptimizerFailsWhenTheRecipeIsBuiltNamingTheKnownOnes() {
        assertThatThrownBy(() -> TrainingRecipe.builder().setEpochs(2).optLrSchedule("cosin").build())
                .hasMessageContaining("'cosin'").hasMessageContaining("[constant, step, cosine, onecycle]");
        assertThatThrownBy(() -> TrainingRecipe.builder().setEpochs(2).optOptimizer("sgdd").build())
                .hasMessageContaining("'sgdd'").hasMessageContaining("adamw");
        assertThatThrownBy(() -> TrainingRecipe.builder().setEpochs(2).optLearningRate(0).build())
                .hasMessageContaining("learning rate");
        assertThatThrownBy(() -> TrainingRecipe.builder().build()).hasMessageContaining("epochs");
    }

    @Test
    void theFineTuningDefaultsAreSgdNesterovCosineFromOneHundredthForTwoEpochs() {
        TrainingRecipe r = TrainingRecipe.fineTuneDefaults();
        assertThat(r).isEqualTo(new TrainingRecipe("sgd", 0.01, 0.9, true, 5e-4, "cosine", 0, 2, 128, false, 0));
    }

    @Test
    void aRecipeSurvivesItsMapByName() {
        TrainingRecipe r = TrainingRecipe.builder().setEpochs(3).optOptimizer("AdamW").optLearningRate(0.003)
                .optMomentum(0).optNesterov(false).optWeightDecay(0.01).optLrSchedule("Step").optWarmupEpochs(1)
                .optBatchSize(64).optAugment(true).optSeed(9).build();
        assertThat(r.optimizer()).isEqualTo("adamw");
        assertThat(r.lrSchedule()).isEqualTo("step");
        assertThat(TrainingRecipe.fromMap(r.toMap())).isEqualTo(r);
        assertThat(r.withEpochs(5).toBuilder().setEpochs(3).build()).isEqualTo(r);
    }
}
