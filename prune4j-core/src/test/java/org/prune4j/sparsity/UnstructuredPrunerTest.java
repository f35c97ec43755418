package org.prune4j.sparsity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prune4j.metrics.SparsityStats;
import org.prune4j.criterion.Calibration;
import org.prune4j.data.DataLoader;
import org.prune4j.data.SyntheticImages;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.pruning.PruningResult;
import org.prune4j.pruning.PruningRun;
import org.prune4j.pruning.PruningSchedules;
import org.prune4j.train.DataSplits;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

class UnstructuredPrunerTest {

    static final DataLoader DATA = DataLoader.builder().setBatchSize(16).optShuffle(true)
            .setDataset(SyntheticImages.builder().setNumSamples(64).setShape(1, 28, 28).setNumClasses(10).build()).build();

    static Model lenet(long seed) {
        return Model.builder().setGraph(ModelZoo.build("lenet5", ZooOptions.fashionMnist())).optSeed(seed).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "global-magnitude", "layer-magnitude", "global-magnitude-grad",
        "layer-magnitude-grad", "global-magnitude-act", "layer-magnitude-act", "firing", "snip", "grasp", "synflow"})
    void everyMethodReachesTheRequestedCompressionAndTheModelStillRuns(String method) {
        try (Model model = lenet(1)) {
            UnstructuredPruner pruner = UnstructuredPruner.builder().setMethod(method).setCompression(8)
                    .optCalibration(new Calibration(DATA, 2)).build();
            try (WeightMasks masks = pruner.prune(model)) {
                SparsityStats stats = SparsityStats.of(model);
                assertThat(stats.compression()).isCloseTo(8, within(0.05));
                assertThat(stats.theoreticalSpeedUp()).isGreaterThan(1.2);
                try (NDManager m = model.manager().newSubManager()) {
                    float[] out = model.forward(m.ones(new Shape(2, 1, 28, 28)), false).toFloatArray();
                    assertThat(out).hasSize(20).doesNotContain(Float.NaN);
                }
            }
        }
    }

    /** The brain-inspired iterative pruning: deactivate the weakest by |w| × firing rate each round, train, repeat. */
    @ParameterizedTest
    @ValueSource(strings = {"sgd", "adam"})
    void firingPrunesRoundByRoundWhileTrainingWithSgdOrAdam(String optimizer) {
        var images = SyntheticImages.builder().setShape(1, 28, 28).setNumClasses(10);
        DataSplits data = new DataSplits("synthetic", images.setNumSamples(64).build(), images.setNumSamples(32).build());
        TrainingRecipe recipe = TrainingRecipe.fineTuneDefaults().toBuilder().optOptimizer(optimizer)
                .optLearningRate("adam".equals(optimizer) ? 1e-3 : 0.01).optBatchSize(16).setEpochs(1).build();
        PruningResult r = PruningRun.builder().setReference(() -> lenet(3)).setData(data)
                .setMethod(UnstructuredPruner.builder().setMethod("firing").setCompression(8).build())
                .setSchedule(new PruningSchedules.Iterative(3, 1)).setFineTune(recipe, 1).optCalibrationBatches(2)
                .optMeasureLatency(false).build().run(m -> {});
        assertThat(r.steps()).hasSize(3);
        assertThat(r.compression()).isCloseTo(8, within(0.1));
        assertThat(r.accuracyAfterFineTuning()).isNotNull();
    }

    @Test
    void globalMagnitudeKeepsExactlyTheLargestWeightsAcrossLayers() {
        try (Model model = lenet(2)) {
            List<Parameter> weights = PrunableWeights.of(model, false);
            float[] all = weights.stream().map(w -> w.value().toFloatArray()).reduce(new float[0], UnstructuredPrunerTest::concat);
            double keep = UnstructuredPruner.keepFraction(model, weights, 4);
            try (WeightMasks masks = UnstructuredPruner.builder().setMethod("global-magnitude").setCompression(4).build().prune(model)) {
                float[] abs = new float[all.length];
                for (int i = 0; i < all.length; i++) {
                    abs[i] = Math.abs(all[i]);
                }
                Arrays.sort(abs);
                int kept = (int) Math.round(keep * all.length);
                float threshold = abs[all.length - kept];
                int at = 0;
                for (Parameter w : weights) {
                    float[] mask = masks.get(w.fullName());
                    for (float m : mask) {
                        float a = Math.abs(all[at++]);
                        if (a > threshold) {
                            assertThat(m).isEqualTo(1f);
                        } else if (a < threshold) {
                            assertThat(m).isEqualTo(0f);
                        }
                    }
                }
                assertThat(masks.kept()).isEqualTo(kept);
            }
        }
    }

    @Test
    void layerwiseMagnitudeThinsEveryLayerEqually() {
        try (Model model = lenet(3);
                WeightMasks masks = UnstructuredPruner.builder().setMethod("layer-magnitude").setCompression(4).build().prune(model)) {
            Map<String, Double> sparsity = SparsityStats.of(model).layerSparsity();
            double expected = sparsity.get("conv1");
            sparsity.forEach((layer, s) -> {
                if (!layer.equals(PrunableWeights.classifierNode(model.graph()))) {
                    assertThat(s).as(layer).isCloseTo(expected, within(0.02));
                }
            });
            assertThat(sparsity.get(PrunableWeights.classifierNode(model.graph()))).isZero();
        }
    }

    @Test
    void pruningAgainContinuesFromTheMasksAndNeverRevivesAWeight() {
        try (Model model = lenet(4);
                WeightMasks masks = UnstructuredPruner.builder().setMethod("global-magnitude").setCompression(2).build().prune(model)) {
            Map<String, float[]> first = Map.copyOf(masks.all());
            UnstructuredPruner.builder().setMethod("random").setCompression(4).optSeed(9).build().prune(model, masks);
            first.forEach((name, before) -> {
                float[] after = masks.get(name);
                for (int i = 0; i < before.length; i++) {
                    if (before[i] == 0) {
                        assertThat(after[i]).isZero();
                    }
                }
            });
            assertThat(SparsityStats.of(model).compression()).isCloseTo(4, within(0.05));
        }
    }

    @Test
    void synFlowScoringLeavesTheWeightsAsTheyWere() {
        try (Model model = lenet(5)) {
            float[] before = model.parameter("conv2", "weight").value().toFloatArray();
            Map<String, float[]> scores = new SynFlowCriterion(1).score(model, PrunableWeights.of(model, false), null);
            assertThat(model.parameter("conv2", "weight").value().toFloatArray()).containsExactly(before);
            assertThat(scores.get("conv2.weight")).hasSize(before.length);
        }
    }

    @Test
    void anUnreachableCompressionNamesTheLimit() {
        try (Model model = lenet(6)) {
            UnstructuredPruner pruner = UnstructuredPruner.builder().setMethod("global-magnitude").setCompression(1000).build();
            assertThatThrownBy(() -> pruner.prune(model)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("compression 1000").hasMessageContaining("at most");
        }
    }

    @Test
    void badMethodsAndRatiosAreRefusedWithTheAllowedValues() {
        assertThatThrownBy(() -> UnstructuredPruner.builder().setMethod("magnitud"))
                .hasMessageContaining("'magnitud'").hasMessageContaining("global-magnitude");
        assertThatThrownBy(() -> UnstructuredPruner.builder().setMethod("global-magnitude").setCompression(0.5).build())
                .hasMessageContaining("at least 1").hasMessageContaining("0.5");
        assertThatThrownBy(() -> UnstructuredPruner.builder().setMethod("snip").setCompression(2).build().prune(lenet(0)))
                .hasMessageContaining("calibration");
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
