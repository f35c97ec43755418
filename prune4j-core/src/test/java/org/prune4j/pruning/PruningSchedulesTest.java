package org.prune4j.pruning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.prune4j.data.SyntheticImages;
import org.prune4j.graph.Graph;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;
import org.prune4j.model.ParameterState;
import org.prune4j.sparsity.PrunableWeights;
import org.prune4j.sparsity.UnstructuredPruner;
import org.prune4j.train.DataSplits;
import org.prune4j.train.TrainingContext;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.train.listener.TrainingListener;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

class PruningSchedulesTest {

    /** 64 training images in batches of 16: 4 steps per epoch. */
    private static final DataSplits DATA = new DataSplits("synthetic",
            SyntheticImages.builder().setNumSamples(64).setShape(1, 28, 28).setNumClasses(10).build(),
            SyntheticImages.builder().setNumSamples(32).setShape(1, 28, 28).setNumClasses(10).optSeed(1).build());
    private static final TrainingRecipe THREE_EPOCHS =
            TrainingRecipe.fineTuneDefaults().toBuilder().setEpochs(3).optBatchSize(16).build();

    @Test
    void oneShotPrunesOnceThenFineTunesTheRecipesEpochs() {
        Recorder r = new Recorder(2);
        new PruningSchedules.OneShot().run(r);
        assertThat(r.calls).containsExactly("prune 1.0 geometric", "train 2");
    }

    @Test
    void iterativePrunesInGeometricStepsWithItsEpochsBetweenAndTheRecipesAfterTheLast() {
        Recorder r = new Recorder(2);
        PruningSchedules.create("iterative", new PruningSchedules.Options(3, 1)).run(r);
        assertThat(r.calls).containsExactly("prune 0.333 geometric", "train 1", "prune 0.667 geometric", "train 1",
                "prune 1.0 geometric", "train 2");
    }

    @Test
    void unknownSchedulesAreRefusedWithTheKnownNames() {
        assertThatThrownBy(() -> PruningSchedules.create("cubic", new PruningSchedules.Options(1, 0)))
                .hasMessageContaining("'cubic'").hasMessageContaining("[oneshot, iterative, agp");
    }

    /**
     * AGP on unstructured pruning: 12 training steps, so pruning events at steps 1..9 (end = 75%,
     * every max(1, 9/20) steps); after step s the sparsity is s_f·(1 − (1 − s/9)³), then it stays.
     */
    @Test
    void gradualUnstructuredSparsityFollowsTheCubicScheduleAndReachesItsTargetAtThreeQuarters() {
        List<double[]> observed = new ArrayList<>();
        double[] finalSparsity = new double[1];
        long[] prunable = new long[1];
        UnstructuredPruner method = UnstructuredPruner.builder().setMethod("global-magnitude").setCompression(4).build();
        PruningResult result = PruningRun.builder().setReference(PruningSchedulesTest::lenet).setData(DATA)
                .setMethod(method).setSchedule(new PruningSchedules.Gradual()).setFineTune(THREE_EPOCHS)
                .optMeasureLatency(false).optListener(new TrainingListener() {
                    @Override
                    public void onTrainingBegin(TrainingContext c) {
                        var weights = PrunableWeights.of(c.model(), false);
                        prunable[0] = weights.stream().mapToLong(w -> w.value().size()).sum();
                        finalSparsity[0] = 1 - UnstructuredPruner.keepFraction(c.model(), weights, 4);
                    }

                    @Override
                    public void onBatchEnd(TrainingContext c, double loss, long correct, int batchSize) {
                        long zeros = 0;
                        for (var w : PrunableWeights.of(c.model(), false)) {
                            for (float v : w.value().toFloatArray()) {
                                zeros += v == 0 ? 1 : 0;
                            }
                        }
                        observed.add(new double[] {c.step(), zeros / (double) prunable[0]});
                    }
                }).build().run(m -> {});
        assertThat(observed).hasSize(12);
        for (double[] o : observed) {
            double s = Math.min(1, o[0] / 9);
            double expected = finalSparsity[0] * (1 - Math.pow(1 - s, 3));
            assertThat(o[1]).as("sparsity after step %d", (long) o[0]).isCloseTo(expected, within(2.0 / prunable[0]));
        }
        assertThat(result.steps()).hasSize(9);
        assertThat(result.afterPruning()).as("pruned while training: no separate evaluation").isNull();
        assertThat(result.compression()).isCloseTo(4, within(0.01));
    }

    /**
     * SInGE's entangled loop: a pruning step after every few batches of the first half of
     * fine-tuning (12 batches here: 6 steps, one per batch), each removing the same share of what
     * is left (MACs fall geometrically), then training only.
     */
    @Test
    void singeScheduleEntanglesEvenPruningStepsWithTheFirstHalfOfFineTuning() {
        PruningResult result = PruningRun.builder().setReference(PruningSchedulesTest::lenet).setData(DATA)
                .setMethod(StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("macs=2x")).build())
                .setSchedule(PruningSchedules.create("singe", new PruningSchedules.Options(1, 0)))
                .setFineTune(THREE_EPOCHS).optMeasureLatency(false).build().run(m -> {});
        assertThat(result.steps()).hasSize(6);
        long dense = result.steps().get(0).macsBefore();
        for (int i = 0; i < 6; i++) {
            double expected = dense / Math.pow(2, (i + 1) / 6.0);
            assertThat((double) result.steps().get(i).macsAfter()).as("MACs after step %d", i + 1)
                    .isLessThanOrEqualTo(expected).isGreaterThan(expected * 0.8);
        }
        assertThat(result.macReduction()).isGreaterThanOrEqualTo(2);
        assertThat(result.afterFineTuning().loss()).isFinite();
    }

    /** AGP on structured pruning: channels go in the middle of training, the optimizer's momentum with them. */
    @Test
    void gradualStructuredPruningRemovesChannelsWhileTrainingAndReachesTheTarget() {
        PruningResult result = PruningRun.builder().setReference(PruningSchedulesTest::lenet).setData(DATA)
                .setMethod(StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("macs=2x")).build())
                .setSchedule(new PruningSchedules.Gradual()).setFineTune(THREE_EPOCHS).optMeasureLatency(false)
                .build().run(m -> assertThat(ModelSummary.of(m.graph()).macs()).isGreaterThan(0));
        assertThat(result.steps()).hasSize(9);
        assertThat(result.steps().get(0).macsAfter()).isLessThan(result.steps().get(0).macsBefore());
        assertThat(result.macReduction()).isGreaterThanOrEqualTo(2);
        assertThat(result.afterFineTuning().loss()).isFinite();
    }

    @Test
    void gradualPruningWithoutFineTuningEpochsIsRefusedBeforeAnyModelIsLoaded() {
        var run = PruningRun.builder().setReference(() -> {
            throw new AssertionError("no model may be loaded");
        }).setData(DATA).setMethod(StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("macs=2x"))
                .build()).setSchedule(new PruningSchedules.Gradual()).setFineTune(THREE_EPOCHS, 0);
        assertThatThrownBy(run::build).hasMessageContaining("agp").hasMessageContaining("at least one fine-tuning epoch");
    }

    @Test
    void oneStepMethodsAreRefusedWithAnIterativeSchedule() {
        var run = PruningRun.builder().setReference(PruningSchedulesTest::lenet).setData(DATA)
                .setMethod(UnstructuredPruner.builder().setMethod("nm-2:4").build())
                .setSchedule(new PruningSchedules.Iterative(3, 1)).setFineTune(THREE_EPOCHS);
        assertThatThrownBy(run::build).hasMessageContaining("'nm-2:4'").hasMessageContaining("oneshot schedule only")
                .hasMessageContaining("'iterative'");
    }

    @Test
    void aScheduleThatStopsShortOfTheBudgetFailsTheRun() {
        PruningSchedule halfway = new PruningSchedule() {
            @Override
            public String name() {
                return "halfway";
            }

            @Override
            public java.util.Map<String, Object> settings() {
                return java.util.Map.of();
            }

            @Override
            public void run(PruningSession session) {
                session.pruneTo(Progress.geometric(0.5), null);
            }
        };
        var run = PruningRun.builder().setReference(PruningSchedulesTest::lenet).setData(DATA)
                .setMethod(StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("macs=2x")).build())
                .setSchedule(halfway).setFineTune(THREE_EPOCHS, 0).optMeasureLatency(false).build();
        assertThatThrownBy(() -> run.run(m -> {})).hasMessageContaining("'halfway' ended before it reached the budget");
    }

    /** The pruned model says how it was pruned: the criterion with the data it saw, and the schedule. */
    @Test
    void theResultsProvenanceRecordsTheScheduleAndTheCalibrationBatchesTheCriterionSaw() {
        PruningResult result = PruningRun.builder().setReference(PruningSchedulesTest::lenet).setData(DATA)
                .setMethod(StructuredPruner.builder().setCriterion("taylor").setTarget(PruningTarget.parse("macs=2x"))
                        .build())
                .setSchedule(new PruningSchedules.Iterative(2, 0)).setFineTune(THREE_EPOCHS, 0)
                .optCalibrationBatches(3).optMeasureLatency(false).build().run(m -> {});
        var run = result.provenance();
        assertThat(run.kind()).isEqualTo("pruning-run");
        assertThat(run.settings()).containsEntry("schedule", "iterative").containsEntry("steps", 2)
                .containsEntry("fineTuneEpochs", 0);
        var prune = run.parent();
        assertThat(prune.kind()).isEqualTo("prune");
        assertThat(prune.settings()).containsEntry("criterion", "taylor").containsEntry("calibrationBatches", 3)
                .containsEntry("steps", 2);
    }

    @Test
    void aDataFreeRunPrunesByTheWeightsAloneAndReportsNoAccuracy() {
        PruningResult result = PruningRun.builder().setReference(PruningSchedulesTest::lenet).setDataFree()
                .setMethod(StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("macs=2x")).build())
                .setSchedule(new PruningSchedules.OneShot()).setFineTune(THREE_EPOCHS, 0).optMeasureLatency(false)
                .build().run(m -> {});
        assertThat(result.macReduction()).isGreaterThanOrEqualTo(2.0);
        assertThat(result.accuracyBefore()).isNull();
        assertThat(result.accuracyAfterFineTuning()).isNull();
        assertThat(result.behaviour()).isNull();
        assertThat(result.provenance().settings()).containsEntry("data", "none");
    }

    @Test
    void aDataFreeRunRefusesCriteriaThatNeedDataAndFineTuningBeforeAnyModelIsLoaded() {
        java.util.function.Supplier<Model> never = () -> {
            throw new AssertionError("no model may be loaded");
        };
        var taylor = PruningRun.builder().setReference(never).setDataFree()
                .setMethod(StructuredPruner.builder().setCriterion("taylor").setTarget(PruningTarget.parse("macs=2x")).build())
                .setSchedule(new PruningSchedules.OneShot()).setFineTune(THREE_EPOCHS, 0);
        assertThatThrownBy(taylor::build).hasMessageContaining("needs calibration data");
        var fineTuned = PruningRun.builder().setReference(never).setDataFree()
                .setMethod(StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("macs=2x")).build())
                .setSchedule(new PruningSchedules.OneShot()).setFineTune(THREE_EPOCHS, 2);
        assertThatThrownBy(fineTuned::build).hasMessageContaining("cannot fine-tune");
    }

    @Test
    void dataOfAnotherShapeThanTheModelsInputIsRefusedNamingBothShapes() {
        DataSplits rgb = new DataSplits("rgb32",
                SyntheticImages.builder().setNumSamples(8).setShape(3, 32, 32).setNumClasses(10).build(),
                SyntheticImages.builder().setNumSamples(8).setShape(3, 32, 32).setNumClasses(10).build());
        var run = PruningRun.builder().setReference(PruningSchedulesTest::lenet).setData(rgb)
                .setMethod(StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("macs=2x")).build())
                .setSchedule(new PruningSchedules.OneShot()).setFineTune(THREE_EPOCHS, 0).optMeasureLatency(false).build();
        assertThatThrownBy(() -> run.run(m -> {})).hasMessageContaining("takes inputs of 1×28×28")
                .hasMessageContaining("'rgb32' gives 3×32×32");
    }

    private static Model lenet() {
        Graph g = ModelZoo.build("lenet5", ZooOptions.fashionMnist());
        return Model.builder().setGraph(g).optSeed(1).build();
    }

    /** A session that records what a schedule asks for. */
    private static final class Recorder implements PruningSession {
        final List<String> calls = new ArrayList<>();
        final int epochs;

        Recorder(int epochs) {
            this.epochs = epochs;
        }

        @Override
        public void pruneTo(Progress progress, ParameterState state) {
            calls.add(String.format("prune %s %s", Math.round(progress.t() * 1000) / 1000.0,
                    progress.cubic() ? "cubic" : "geometric"));
        }

        @Override
        public void fineTune(int e, TrainingListener... during) {
            calls.add("train " + e);
        }

        @Override
        public int fineTuneEpochs() {
            return epochs;
        }

        @Override
        public Model model() {
            throw new UnsupportedOperationException("a recorder has no model");
        }

        @Override
        public Map<org.prune4j.dependency.Group, int[]> plannedRemoval() {
            throw new UnsupportedOperationException("a recorder plans nothing");
        }

        @Override
        public org.prune4j.criterion.Calibration calibration() {
            return null;
        }

        @Override
        public PruningMethod method() {
            return null;
        }
    }
}
