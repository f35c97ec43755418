package org.prune4j.lottery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.data.Batch;
import org.prune4j.data.DataLoader;
import org.prune4j.data.SyntheticImages;
import org.prune4j.graph.Graph;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.sparsity.PrunableWeights;
import org.prune4j.sparsity.UnstructuredPruner;
import org.prune4j.sparsity.WeightMasks;
import org.prune4j.train.DataSplits;
import org.prune4j.train.Trainer;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.train.optim.Optimizer;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

class IterativeMagnitudePruningTest {

    /** 64 training images in batches of 16: 4 steps per epoch. */
    private static final DataSplits DATA = new DataSplits("synthetic",
            SyntheticImages.builder().setNumSamples(64).setShape(1, 28, 28).setNumClasses(10).build(),
            SyntheticImages.builder().setNumSamples(32).setShape(1, 28, 28).setNumClasses(10).optSeed(1).build());
    private static final TrainingRecipe TWO_EPOCHS = TrainingRecipe.builder().setEpochs(2).optBatchSize(16)
            .optLearningRate(0.05).build();

    private static Model model(String name, long seed) {
        Graph g = ModelZoo.build(name, new ZooOptions(1, 28, 10, 0.5));
        return Model.builder().setGraph(g).optSeed(seed).build();
    }

    @Test
    void rewindingRestoresExactlyTheSavedTensorsIncludingChannelsLastConvolutions() {
        for (String name : new String[] {"mlp", "lenet5"}) {
            try (Model m = model(name, 3)) {
                WeightSnapshot saved = WeightSnapshot.of(m);
                Trainer.fit(m, TWO_EPOCHS, DATA.trainLoader(TWO_EPOCHS), List.of());
                assertThat(saved.matches(m)).as("%s: training changed the weights", name).isFalse();
                saved.restore(m);
                assertThat(saved.matches(m)).as("%s: restored bit for bit", name).isTrue();
            }
        }
    }

    @Test
    void theSnapshotAtStepKHoldsTheWeightsAfterExactlyKSteps() {
        try (Model a = model("mlp", 5); Model b = model("mlp", 5)) {
            WeightSnapshot init = WeightSnapshot.of(a);
            SnapshotListener snapshots = new SnapshotListener(0, 3);
            DataLoader train = DATA.trainLoader(TWO_EPOCHS);
            Trainer.fit(a, TWO_EPOCHS, train, List.of(snapshots));
            assertThat(snapshots.at(0).matches(b)).as("step 0 is the initialization").isTrue();
            assertThat(init.matches(b)).isTrue();
            try (Optimizer optimizer = TWO_EPOCHS.newOptimizer()) {
                Trainer trainer = Trainer.builder().setModel(b).setOptimizer(optimizer)
                        .setSchedule(TWO_EPOCHS.newSchedule(train.batchesPerEpoch())).build();
                int steps = 0;
                for (Batch batch : train.epoch(0)) {
                    if (steps++ == 3) {
                        break;
                    }
                    trainer.step(batch);
                }
            }
            assertThat(snapshots.at(3).matches(b)).as("the same 3 steps from the same initialization").isTrue();
            assertThatThrownBy(() -> snapshots.at(4)).hasMessageContaining("no snapshot at step 4");
        }
    }

    @Test
    void everyRoundRemovesTheRateOfWhatIsLeftAndHoldsItRemovedThroughRetraining() {
        try (Model m = model("mlp", 1)) {
            LotteryResult r = IterativeMagnitudePruning.builder().setModel(m).setData(DATA).setTraining(TWO_EPOCHS)
                    .optRewind(Rewind.parse("iteration:2")).optRate(0.5).optTargetDensity(0.25)
                    .optControls(EnumSet.allOf(Control.class)).build().run();
            assertThat(r.rounds()).hasSize(2);
            assertThat(r.rounds().get(0).density()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-3));
            assertThat(r.rounds().get(1).density()).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-3));
            assertThat(r.rounds().get(1).compression()).isGreaterThan(r.rounds().get(0).compression());
            assertThat(r.rounds().get(1).controls()).containsOnlyKeys("reinit", "random-masks");
            assertThat(r.settings()).containsEntry("rewind", "iteration:2").containsEntry("retrainSteps", 6L);
            long zeros = 0;
            long size = 0;
            for (Parameter w : PrunableWeights.of(m, false)) {
                for (float v : w.value().toFloatArray()) {
                    zeros += v == 0 ? 1 : 0;
                    size++;
                }
            }
            assertThat(zeros / (double) size).as("the ticket keeps its last round's density after retraining")
                    .isCloseTo(0.75, org.assertj.core.data.Offset.offset(1e-3));
            assertThat(m.provenance().kind()).isEqualTo("lottery");
        }
    }

    @Test
    void pruningToADensityKeepsWhatEarlierRoundsRemoved() {
        try (Model m = model("mlp", 2); WeightMasks masks = new WeightMasks(m)) {
            UnstructuredPruner pruner = UnstructuredPruner.builder().setMethod("global-magnitude").setCompression(1)
                    .build();
            pruner.pruneToDensity(m, masks, 0.5);
            Map<String, float[]> first = Map.copyOf(masks.all());
            for (Parameter w : PrunableWeights.of(m, false)) { // new values that would rank other weights first
                w.setValue(w.value().add(m.manager().randomNormal(w.value().getShape())));
            }
            pruner.pruneToDensity(m, masks, 0.25);
            first.forEach((name, mask) -> {
                float[] second = masks.get(name);
                for (int i = 0; i < mask.length; i++) {
                    assertThat(mask[i] == 0 && second[i] != 0).as("%s[%d] came back", name, i).isFalse();
                }
            });
            assertThat(masks.kept() / (double) masks.size()).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-3));
        }
    }

    @Test
    void theControlsUseTheTicketsMasksWithNewValuesOrItsCountsAtNewPositions() {
        try (Model m = model("mlp", 4); WeightMasks ticket = new WeightMasks(m)) {
            WeightSnapshot init = WeightSnapshot.of(m);
            UnstructuredPruner.builder().setMethod("global-magnitude").setCompression(1).build()
                    .pruneToDensity(m, ticket, 0.3);
            LotteryControls controls = new LotteryControls(m.graph(), Rewind.init(), false,
                    new Retraining(DATA, TWO_EPOCHS, Rewind.init()));
            LotteryControls.Start reinit = controls.start(Control.REINIT, 1, ticket.all(), init, init);
            LotteryControls.Start random = controls.start(Control.RANDOM_MASKS, 1, ticket.all(), init, init);
            try (Model r = reinit.model(); Model s = random.model()) {
                for (Parameter w : PrunableWeights.of(r, false)) {
                    String name = w.fullName();
                    assertThat(reinit.masks().get(name)).as("reinit: the ticket's own mask").isEqualTo(ticket.get(name));
                    float[] fresh = w.value().toFloatArray();
                    float[] original = init.get(name);
                    int same = 0;
                    for (int i = 0; i < fresh.length; i++) {
                        same += fresh[i] == original[i] ? 1 : 0;
                    }
                    assertThat(same).as("reinit: new values in %s", name).isLessThan(fresh.length / 100 + 1);

                    float[] shuffled = random.masks().get(name);
                    assertThat(count(shuffled)).as("random masks: the same count in %s", name)
                            .isEqualTo(count(ticket.get(name)));
                    assertThat(shuffled).as("at other positions").isNotEqualTo(ticket.get(name));
                    assertThat(s.parameter(w.node(), w.name()).value().toFloatArray())
                            .as("random masks start from the ticket's weights").isEqualTo(original);
                }
            }
        }
    }

    @Test
    void coltKeepsTheOverlapOfTheMasksFoundOnEachDataSplit() {
        Map<String, float[]> a = Map.of("w", new float[] {1, 1, 0, 0, 1});
        Map<String, float[]> b = Map.of("w", new float[] {1, 0, 1, 0, 1});
        assertThat(Colt.overlap(List.of(a, b)).get("w")).containsExactly(1, 0, 0, 0, 1);
        try (Model m = model("mlp", 6)) {
            LotteryResult r = IterativeMagnitudePruning.builder().setModel(m).setData(DATA).setTraining(TWO_EPOCHS)
                    .optRate(0.5).optRounds(2).optSplits(2).build().run();
            for (LotteryResult.Round round : r.rounds()) {
                assertThat(round.splitDensities()).hasSize(2);
                double expected = Math.pow(0.5, round.round());
                assertThat(round.splitDensities()).as("each split's copy removes half of what was left")
                        .allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(expected + 1e-3));
                assertThat(round.density()).as("the overlap keeps less than either split")
                        .isLessThan(java.util.Collections.min(round.splitDensities()));
            }
            assertThat(r.settings()).containsEntry("splits", 2);
        }
    }

    @Test
    void siloGrowsThePeakRateInAnSShapeFromLowToHigh() {
        MaxLearningRate silo = MaxLearningRate.parse("silo:1,3,1");
        double[] peak = new double[9];
        for (int r = 1; r <= 9; r++) {
            peak[r - 1] = silo.at(r, 9, 0.1);
        }
        assertThat(peak[0]).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(peak[8]).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-12));
        double firstStep = peak[1] - peak[0];
        double middleStep = peak[4] - peak[3];
        double lastStep = peak[8] - peak[7];
        assertThat(middleStep).as("steepest in the middle").isGreaterThan(firstStep).isGreaterThan(lastStep * 0.999);
        for (int i = 1; i < 9; i++) {
            assertThat(peak[i]).isGreaterThan(peak[i - 1]);
        }
        assertThat(MaxLearningRate.constant().at(4, 9, 0.1)).isEqualTo(0.1);
        assertThatThrownBy(() -> MaxLearningRate.parse("silo:1,3")).hasMessageContaining("unknown max-lr 'silo:1,3'");
    }

    @Test
    void theOracleKeepsTheBestOfItsGridWhichEqualsTheBestConstantPeak() {
        double[] top1 = new double[2];
        double[] grid = {0.01, 0.08};
        for (int i = 0; i < grid.length; i++) {
            try (Model m = model("mlp", 8)) {
                top1[i] = IterativeMagnitudePruning.builder().setModel(m).setData(DATA).setTraining(TWO_EPOCHS)
                        .optRewind(Rewind.parse("lr")).optRounds(1)
                        .optMaxLearningRate(MaxLearningRate.silo(grid[i] / 0.05, grid[i] / 0.05, 1)).build().run()
                        .rounds().get(0).top1();
            }
        }
        try (Model m = model("mlp", 8)) {
            LotteryResult.Round oracle = IterativeMagnitudePruning.builder().setModel(m).setData(DATA)
                    .setTraining(TWO_EPOCHS).optRewind(Rewind.parse("lr")).optRounds(1).optOracleGrid(grid).build()
                    .run().rounds().get(0);
            assertThat(oracle.top1()).isEqualTo(Math.max(top1[0], top1[1]));
            assertThat(oracle.peakLearningRate()).isEqualTo(top1[0] >= top1[1] ? grid[0] : grid[1]);
        }
        try (Model m = model("mlp", 8)) {
            LotteryResult.Round passedOver = IterativeMagnitudePruning.builder().setModel(m).setData(DATA)
                    .setTraining(TWO_EPOCHS).optRewind(Rewind.parse("lr")).optRounds(1).optOracleGrid(0.01, 1e9).build()
                    .run().rounds().get(0);
            assertThat(passedOver.peakLearningRate()).as("a diverging peak is passed over").isEqualTo(0.01);
            assertThat(passedOver.top1()).isEqualTo(top1[0]);
        }
    }

    @Test
    void anInterruptedRunContinuesAfterItsLastFinishedRoundWithTheSameResults(@TempDir Path dir) throws Exception {
        LotteryResult whole;
        try (Model m = model("mlp", 11)) {
            whole = imp(m, dir, s -> {}).run();
        }
        for (String f : new String[] {"round-3.json", "round-3.p4j", "round-3-masks.p4j", "ticket.p4j"}) {
            Files.delete(dir.resolve(f)); // killed during round 3
        }
        List<String> log = new ArrayList<>();
        LotteryResult resumed;
        try (Model m = model("mlp", 11)) {
            resumed = imp(m, dir, log::add).run();
        }
        assertThat(log.get(0)).startsWith("dense:").contains("trained already");
        assertThat(log.get(1)).startsWith("rounds 1-2: done already");
        assertThat(log).noneMatch(l -> l.startsWith("round 1/") || l.startsWith("round 2/")).hasSize(3);
        assertThat(resumed.denseTop1()).isEqualTo(whole.denseTop1());
        for (int r = 0; r < 3; r++) {
            assertThat(resumed.rounds().get(r).density()).isEqualTo(whole.rounds().get(r).density());
            assertThat(resumed.rounds().get(r).top1()).as("round %d", r + 1).isEqualTo(whole.rounds().get(r).top1());
            assertThat(resumed.rounds().get(r).controls()).isEqualTo(whole.rounds().get(r).controls());
        }
        assertThat(dir.resolve("ticket.p4j")).exists();
    }

    @Test
    void aMissingRewindStateOrOtherSettingsAreRefusedBeforeAnyTraining(@TempDir Path dir) throws Exception {
        try (Model m = model("mlp", 12)) {
            imp(m, dir, s -> {}).run();
        }
        List<String> log = new ArrayList<>();
        try (Model m = model("mlp", 12)) {
            IterativeMagnitudePruning otherRate = IterativeMagnitudePruning.builder().setModel(m).setData(DATA)
                    .setTraining(TWO_EPOCHS).optRate(0.3).optRounds(3).optOutputDir(dir).optLog(log::add).build();
            assertThatThrownBy(otherRate::run).hasMessageContaining(dir + " holds a lottery run with other settings");
            Files.delete(dir.resolve("init.p4j"));
            assertThatThrownBy(() -> imp(m, dir, log::add).run())
                    .hasMessageContaining("the lottery state " + dir.resolve("init.p4j") + " is missing");
        }
        assertThat(log).as("nothing trained").isEmpty();
    }

    private static IterativeMagnitudePruning imp(Model m, Path dir, java.util.function.Consumer<String> log) {
        return IterativeMagnitudePruning.builder().setModel(m).setData(DATA).setTraining(TWO_EPOCHS)
                .optRewind(Rewind.parse("iteration:2")).optRate(0.3).optRounds(3)
                .optControls(EnumSet.of(Control.REINIT)).optOutputDir(dir).optLog(log).build();
    }

    @Test
    void badSettingsAreRefusedBeforeAnyTraining() {
        try (Model m = model("mlp", 1)) {
            // 2 epochs of 4 batches: 8 steps
            assertThatThrownBy(() -> IterativeMagnitudePruning.builder().setModel(m).setData(DATA)
                    .setTraining(TWO_EPOCHS).optRewind(Rewind.parse("iteration:9")).optRounds(1).build())
                    .hasMessageContaining("rewind iteration:9 goes to step 9, beyond the dense training's 8 steps");
            for (double rate : new double[] {0, 1, 1.5}) {
                assertThatThrownBy(() -> IterativeMagnitudePruning.builder().setModel(m).setData(DATA)
                        .setTraining(TWO_EPOCHS).optRate(rate).optRounds(1).build())
                        .hasMessageContaining("rate must be in (0, 1), got " + rate);
            }
            assertThat(WeightSnapshot.of(m).matches(m)).as("nothing trained").isTrue();
        }
        assertThatThrownBy(() -> Rewind.parse("iteration:k")).hasMessageContaining("unknown rewind 'iteration:k'");
        assertThatThrownBy(() -> Control.parse("shuffle")).hasMessageContaining("unknown control 'shuffle'");
        assertThat(Rewind.parse("lr:40")).isEqualTo(new Rewind(Rewind.Kind.LEARNING_RATE, 40));
        assertThat(Rewind.parse(" Iteration:7 ").toString()).isEqualTo("iteration:7");
    }

    private static long count(float[] mask) {
        long n = 0;
        for (float v : mask) {
            n += v != 0 ? 1 : 0;
        }
        return n;
    }
}
