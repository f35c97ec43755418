package org.prune4j.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.prune4j.data.DataLoader;
import org.prune4j.data.ImageDataset;
import org.prune4j.data.SyntheticImages;
import org.prune4j.engine.Engines;
import org.prune4j.model.Model;
import org.prune4j.train.optim.Sgd;
import org.prune4j.train.schedule.Schedules;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.util.List;

class TrainerTest {

    /** One seed, so train and test share the class prototypes and differ only in noise. */
    private static final ImageDataset ALL = SyntheticImages.builder().setNumSamples(768).setShape(1, 12, 12)
            .setNumClasses(4).optSeed(1).build();
    private static final ImageDataset TRAIN = ALL.slice(0, 512);
    private static final ImageDataset TEST = ALL.slice(512, 768);
    private static final ZooOptions SMALL = new ZooOptions(1, 12, 4, 0.5);

    @Test
    void trainingOnLearnableDataLowersTheLossAndLearnsTheClasses() {
        try (Model model = Model.builder().setGraph(ModelZoo.build("resnet20", SMALL)).optSeed(0).build()) {
            EvalResult before = Evaluator.evaluate(model, loader(TEST, false));
            List<EpochStats> history = train(model, 3);
            EvalResult after = Evaluator.evaluate(model, loader(TEST, false));
            assertThat(history.get(2).trainLoss()).isLessThan(history.get(0).trainLoss());
            assertThat(after.loss()).isLessThan(before.loss());
            assertThat(after.top1()).isGreaterThan(0.9);
            assertThat(after.top5()).isEqualTo(1.0);
        }
    }

    @Test
    void singleStepsFollowTheSchedule() {
        List<Long> asked = new java.util.ArrayList<>();
        try (Model model = Model.builder().setGraph(ModelZoo.build("mlp", SMALL)).build();
                Sgd sgd = Sgd.builder().build()) {
            Trainer trainer = Trainer.builder().setModel(model).setOptimizer(sgd)
                    .setSchedule(step -> {
                        asked.add(step);
                        return 0.01;
                    }).build();
            org.prune4j.data.Batch batch = loader(TRAIN, false).epoch(0).iterator().next();
            for (int i = 0; i < 3; i++) {
                trainer.step(batch);
            }
        }
        assertThat(asked).containsExactly(0L, 1L, 2L);
    }

    @Test
    void networkSlimmingPenaltyDrivesBatchNormScalesDown() {
        assertThat(gammaL1AfterTraining(0.05)).isLessThan(gammaL1AfterTraining(0) * 0.9);
    }

    private static double gammaL1AfterTraining(double lambda) {
        Engines.seed(3);
        try (Model model = Model.builder().setGraph(ModelZoo.build("resnet20", SMALL)).optSeed(3).build();
                Sgd sgd = Sgd.builder().optMomentum(0.9).build()) {
            Trainer.Builder b = Trainer.builder().setModel(model).setOptimizer(sgd).setSchedule(s -> 0.05);
            if (lambda > 0) {
                b.optListener(new org.prune4j.train.listener.BatchNormSparsity(lambda));
            }
            b.build().fit(loader(TRAIN, true), null, 1);
            double sum = 0;
            for (var p : model.trainableParameters()) {
                if (p.node().endsWith(".bn") && p.name().equals("weight")) {
                    for (float g : p.value().toFloatArray()) {
                        sum += Math.abs(g);
                    }
                }
            }
            return sum;
        }
    }

    @Test
    void theSameSeedGivesTheSameWeights() {
        float[] first = trainedWeights(7);
        float[] second = trainedWeights(7);
        float[] other = trainedWeights(8);
        assertThat(second).containsExactly(first);
        assertThat(other).isNotEqualTo(first);
    }

    private static float[] trainedWeights(long seed) {
        Engines.seed(seed);
        try (Model model = Model.builder().setGraph(ModelZoo.build("lenet5", SMALL.withWidth(1))).optSeed(seed).build()) {
            train(model, 1);
            return model.parameter("fc3", "weight").value().toFloatArray();
        }
    }

    private static List<EpochStats> train(Model model, int epochs) {
        DataLoader train = loader(TRAIN, true);
        try (Sgd sgd = Sgd.builder().optMomentum(0.9).optWeightDecay(5e-4).build()) {
            return Trainer.builder().setModel(model).setOptimizer(sgd)
                    .setSchedule(Schedules.create("cosine", 0.05, (long) epochs * train.batchesPerEpoch(), 0))
                    .build().fit(train, null, epochs);
        }
    }

    private static DataLoader loader(ImageDataset data, boolean shuffle) {
        return DataLoader.builder().setDataset(data).setBatchSize(32).optShuffle(shuffle).optSeed(3).build();
    }
}
