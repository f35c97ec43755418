package org.prune4j.sparsity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prune4j.data.SyntheticImages;
import org.prune4j.engine.Engines;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.train.DataSplits;
import org.prune4j.train.TrainingContext;
import org.prune4j.train.Trainer;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.train.listener.TrainingListener;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

class SparseTrainingTest {

    /** 64 images in batches of 16, 3 epochs: 12 steps; updates every 2 steps before step 9. */
    private static final DataSplits DATA = new DataSplits("synthetic",
            SyntheticImages.builder().setNumSamples(64).setShape(1, 28, 28).setNumClasses(10).build(),
            SyntheticImages.builder().setNumSamples(16).setShape(1, 28, 28).setNumClasses(10).optSeed(1).build());
    private static final TrainingRecipe RECIPE = TrainingRecipe.builder().setEpochs(3).optBatchSize(16)
            .optLearningRate(0.05).build();

    private static Model mlp(long seed) {
        return Model.builder().setGraph(ModelZoo.build("mlp", new ZooOptions(1, 28, 10, 0.25))).optSeed(seed).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"static", "set", "rigl"})
    void everyTensorKeepsItsNumberOfWeightsAtEveryStepWhileTheMasksMove(String method) {
        try (Model m = mlp(1); SparseTraining sparse = SparseTraining.builder().setMethod(method).setDensity(0.2)
                .optDistribution("uniform").optUpdateEvery(2).optDropFraction(0.5).build()) {
            Map<String, Long> first = new HashMap<>();
            Map<String, float[]> initial = new HashMap<>();
            List<Long> nonZeroOverKept = new ArrayList<>();
            TrainingListener check = new TrainingListener() {
                @Override
                public void onBatchEnd(TrainingContext context, double loss, long correct, int batchSize) {
                    for (Parameter w : PrunableWeights.of(context.model(), false)) {
                        float[] keep = sparse.masks().get(w.fullName());
                        long kept = count(keep);
                        first.putIfAbsent(w.fullName(), kept);
                        initial.putIfAbsent(w.fullName(), keep);
                        assertThat(kept).as("%s at step %d", w.fullName(), context.step())
                                .isEqualTo(first.get(w.fullName()));
                        float[] v = w.value().toFloatArray();
                        long nonZero = 0;
                        for (int i = 0; i < v.length; i++) {
                            assertThat(keep[i] == 0 && v[i] != 0).as("a removed weight is zero").isFalse();
                            nonZero += v[i] != 0 ? 1 : 0;
                        }
                        nonZeroOverKept.add(kept - nonZero);
                    }
                }
            };
            Trainer.fit(m, RECIPE, DATA.trainLoader(RECIPE), List.of(sparse, check));
            assertThat(first.get("fc1.weight")).isEqualTo(Math.round(0.2 * 784 * 75));
            assertThat(nonZeroOverKept).allMatch(d -> d >= 0);
            boolean moved = !java.util.Arrays.equals(initial.get("fc1.weight"), sparse.masks().get("fc1.weight"));
            assertThat(sparse.updates()).isEqualTo(method.equals("static") ? 0 : 4); // steps 2, 4, 6, 8
            assertThat(moved).as("%s moves its masks", method).isEqualTo(!method.equals("static"));
        }
    }

    @Test
    void rigLDropsTheSmallestActiveWeightsAndGrowsTheLargestGradients() {
        try (Model m = mlp(2); SparseTraining rigl = SparseTraining.builder().setMethod("rigl").setDensity(0.5).build()) {
            rigl.begin(m);
            Parameter w = m.parameter("fc2", "weight");
            int n = (int) w.value().size();
            float[] c = new float[n];
            java.util.Random rng = new java.util.Random(3);
            for (int i = 0; i < n; i++) {
                c[i] = (float) rng.nextGaussian();
            }
            try (NDManager step = m.manager().newSubManager(); GradientCollector gc = Engines.get().newGradientCollector()) {
                NDArray loss = w.value().mul(Engines.create(step, c, w.value().getShape())).sum();
                gc.backward(loss); // d loss / d w = c
            }
            float[] before = rigl.masks().get("fc2.weight");
            float[] values = w.value().toFloatArray();
            rigl.update(w, 0.25);
            float[] after = rigl.masks().get("fc2.weight");
            int k = (int) Math.round(0.25 * count(before));
            // dropped: the k smallest |w| among the active
            List<Integer> active = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (before[i] != 0) {
                    active.add(i);
                }
            }
            active.sort((a, b) -> Float.compare(Math.abs(values[a]), Math.abs(values[b])));
            List<Integer> dropped = active.subList(0, k);
            // grown: the k largest |gradient| among what is inactive after the drop
            List<Integer> inactive = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (before[i] == 0 || dropped.contains(i)) {
                    inactive.add(i);
                }
            }
            inactive.sort((a, b) -> Float.compare(Math.abs(c[b]), Math.abs(c[a])));
            List<Integer> grown = inactive.subList(0, k);
            for (int i = 0; i < n; i++) {
                boolean expected = (before[i] != 0 && !dropped.contains(i)) || grown.contains(i);
                assertThat(after[i] != 0).as("weight %d", i).isEqualTo(expected);
            }
            assertThat(count(after)).isEqualTo(count(before));
        }
    }

    @Test
    void erdosRenyiKernelKeepsTheOverallDensityAndGivesSmallTensorsMore() {
        try (Model m = Model.builder().setGraph(ModelZoo.build("lenet5", new ZooOptions(1, 28, 10, 1.0))).build()) {
            List<Parameter> weights = PrunableWeights.of(m, false);
            Map<String, Double> d = SparseTraining.erdosRenyiKernel(weights, 0.084);
            double kept = 0;
            long total = 0;
            for (Parameter w : weights) {
                kept += d.get(w.fullName()) * w.value().size();
                total += w.value().size();
                assertThat(d.get(w.fullName())).isBetween(0.0, 1.0);
            }
            assertThat(kept / total).isCloseTo(0.084, org.assertj.core.data.Offset.offset(1e-9));
            Map<String, Double> tight = SparseTraining.erdosRenyiKernel(weights, 0.5);
            assertThat(tight.get("conv1.weight")).as("capped: a tensor never keeps more than all").isEqualTo(1.0);
            // shares in proportion to (sum of dims) / (product of dims): conv2 (16,6,5,5), fc2 (84,120), fc1 (120,400)
            assertThat(d.get("conv2.weight") / d.get("fc2.weight"))
                    .isCloseTo((32.0 / 2400) / (204.0 / 10080), org.assertj.core.data.Offset.offset(1e-9));
            assertThat(d.get("fc2.weight") / d.get("fc1.weight"))
                    .isCloseTo((204.0 / 10080) / (520.0 / 48000), org.assertj.core.data.Offset.offset(1e-9));
            assertThat(d.get("conv1.weight")).as("150 weights keep most").isGreaterThan(d.get("fc2.weight"));
        }
    }

    @Test
    void unknownMethodsAndDensitiesOutsideZeroToOneAreRefused() {
        assertThatThrownBy(() -> SparseTraining.builder().setMethod("snfs").setDensity(0.1).build())
                .hasMessageContaining("unknown sparse training 'snfs'; known are [static, set, rigl]");
        assertThatThrownBy(() -> SparseTraining.builder().setMethod("rigl").setDensity(0).build())
                .hasMessageContaining("density in (0, 1], got 0.0");
    }

    private static long count(float[] mask) {
        long n = 0;
        for (float v : mask) {
            n += v != 0 ? 1 : 0;
        }
        return n;
    }
}
