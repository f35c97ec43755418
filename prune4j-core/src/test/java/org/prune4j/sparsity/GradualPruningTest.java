package org.prune4j.sparsity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.train.Trainer;
import org.prune4j.train.TrainingContext;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.train.listener.TrainingListener;
import org.prune4j.train.optim.Optimizer;

import java.util.ArrayList;
import java.util.List;

class GradualPruningTest {

    @Test
    void sparsityFollowsTheCubicScheduleAndReachesItsTargetOnTheLastPruningStep() {
        // 64 samples / batch 16 = 4 steps per epoch; 3 epochs = 12 steps; prune every 2 steps from 2 to 10
        try (Model model = UnstructuredPrunerTest.lenet(8)) {
            UnstructuredPruner pruner = UnstructuredPruner.builder().setMethod("global-magnitude").setCompression(1).build();
            List<Parameter> weights = PrunableWeights.of(model, false);
            long prunable = weights.stream().mapToLong(w -> w.value().size()).sum();
            List<double[]> observed = new ArrayList<>();
            try (WeightMasks masks = new WeightMasks(model)) {
                GradualPruning agp = new GradualPruning(pruner, masks, 0.9, 2, 10, 2);
                TrainingListener probe = new TrainingListener() {
                    @Override
                    public void onBatchEnd(TrainingContext c, double loss, long correct, int batchSize) {
                        long zeros = 0;
                        for (Parameter w : weights) {
                            for (float v : w.value().toFloatArray()) {
                                zeros += v == 0 ? 1 : 0;
                            }
                        }
                        observed.add(new double[] {c.step(), zeros / (double) prunable});
                    }
                };
                TrainingRecipe recipe = TrainingRecipe.defaults(3, 0);
                try (Optimizer optimizer = recipe.newOptimizer()) {
                    Trainer.builder().setModel(model).setOptimizer(optimizer).setSchedule(recipe.newSchedule(4))
                            .optListener(agp).optListener(probe).build().fit(UnstructuredPrunerTest.DATA, null, 3);
                }
                assertThat(observed).hasSize(12);
                for (double[] o : observed) {
                    long step = (long) o[0];
                    long lastPruningStep = step < 2 ? -1 : Math.min(10, step - (step - 2) % 2);
                    double expected = lastPruningStep < 0 ? 0 : agp.sparsityAt(lastPruningStep);
                    assertThat(o[1]).as("sparsity after step %d", step).isCloseTo(expected, within(2.0 / prunable + 1e-9));
                }
                assertThat(agp.sparsityAt(10)).isEqualTo(0.9);
                assertThat(agp.sparsityAt(6)).isCloseTo(0.9 * (1 - Math.pow(0.5, 3)), within(1e-12));
                assertThat(observed.get(11)[1]).isCloseTo(0.9, within(2.0 / prunable));
            }
        }
    }
}
