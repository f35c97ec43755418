package org.prune4j.sparsity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.prune4j.model.Model;
import org.prune4j.train.Trainer;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.train.listener.TrainingListener;
import org.prune4j.train.optim.Optimizer;


class MaskedTrainingTest {

    @Test
    void removedWeightsStayZeroAfterEveryStepWhileTheOthersTrain() {
        try (Model model = UnstructuredPrunerTest.lenet(7);
                WeightMasks masks = UnstructuredPruner.builder().setMethod("global-magnitude").setCompression(4).build().prune(model)) {
            float[] keptBefore = model.parameter("fc1", "weight").value().toFloatArray();
            train(model, new MaskedTraining(masks));
            float[] after = model.parameter("fc1", "weight").value().toFloatArray();
            float[] mask = masks.get("fc1.weight");
            boolean keptOnesMoved = false;
            for (int i = 0; i < after.length; i++) {
                if (mask[i] == 0) {
                    assertThat(after[i]).isZero();
                } else {
                    keptOnesMoved |= after[i] != keptBefore[i];
                }
            }
            assertThat(keptOnesMoved).isTrue();
        }
    }

    @Test
    void withoutTheListenerMomentumAndWeightDecayRegrowRemovedWeights() {
        try (Model model = UnstructuredPrunerTest.lenet(7);
                WeightMasks masks = UnstructuredPruner.builder().setMethod("global-magnitude").setCompression(4).build().prune(model)) {
            train(model, new TrainingListener() {});
            float[] after = model.parameter("fc1", "weight").value().toFloatArray();
            float[] mask = masks.get("fc1.weight");
            int regrown = 0;
            for (int i = 0; i < after.length; i++) {
                regrown += mask[i] == 0 && after[i] != 0 ? 1 : 0;
            }
            assertThat(regrown).isPositive();
        }
    }

    /** One epoch of 4 steps: SGD with Nesterov momentum and weight decay. */
    private static void train(Model model, TrainingListener listener) {
        TrainingRecipe recipe = TrainingRecipe.defaults(1, 0);
        try (Optimizer optimizer = recipe.newOptimizer()) {
            Trainer.builder().setModel(model).setOptimizer(optimizer).setSchedule(recipe.newSchedule(4))
                    .optListener(listener).build().fit(UnstructuredPrunerTest.DATA, null, 1);
        }
    }
}
