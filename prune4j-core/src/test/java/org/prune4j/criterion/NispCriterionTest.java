package org.prune4j.criterion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.prune4j.data.DataLoader;
import org.prune4j.data.ImageDataset;
import org.prune4j.data.SyntheticImages;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.util.Map;
import java.util.Random;

class NispCriterionTest {

    /**
     * On conv → conv → flatten → linear → linear → linear (no nonlinearity), the propagated
     * importance is the closed form: fc1 = |W_fc2|ᵀ·s, flat = |W_fc1|ᵀ·fc1, c2 = flat summed over
     * each channel's pixels, c1 = Σ_o |W_c2[o, j, ·, ·]|·c2[o], with s the final response layer's.
     */
    @Test
    void propagatedImportanceIsTheClosedFormThroughLinearLayersAndConvKernels() {
        Graph graph = Graph.builder().setInput("x", new Shape(2, 5, 5))
                .add("c1", Conv2dOp.builder().setOutChannels(3).setKernel(3).optPadding(1).build(), "x")
                .add("c2", Conv2dOp.builder().setOutChannels(4).setKernel(3).optPadding(1).build())
                .add("flat", new FlattenOp())
                .add("fc1", new LinearOp(6))
                .add("fc2", new LinearOp(5))
                .add("fc3", new LinearOp(3))
                .build();
        try (Model model = Model.builder().setGraph(graph).optSeed(4).build()) {
            assertThat(NispCriterion.finalResponseLayer(graph)).isEqualTo("fc2");
            double[] s = {0.5, 2, 1, 0.25, 3};
            Map<String, double[]> importance = NispCriterion.propagate(model, "fc2", s);

            double[] fc1 = transposedAbsTimes(model, "fc2", s);
            double[] flat = transposedAbsTimes(model, "fc1", fc1);
            double[] c2 = new double[4];
            for (int i = 0; i < flat.length; i++) {
                c2[i / 25] += flat[i];
            }
            float[] w2 = model.parameter("c2", "weight").value().toFloatArray(); // (4, 3, 3, 3)
            double[] c1 = new double[3];
            for (int o = 0; o < 4; o++) {
                for (int j = 0; j < 3; j++) {
                    for (int k = 0; k < 9; k++) {
                        c1[j] += Math.abs(w2[(o * 3 + j) * 9 + k]) * c2[o];
                    }
                }
            }
            assertClose(importance.get("fc2"), s);
            assertClose(importance.get("fc1"), fc1);
            assertClose(importance.get("c2"), c2);
            assertClose(importance.get("c1"), c1);
            assertThat(importance).doesNotContainKey("fc3");
        }
    }

    /** Inf-FS ranks an independent feature above two copies of one, and a constant one last. */
    @Test
    void infiniteFeatureSelectionPrefersIndependentFeaturesOverRedundantAndConstantOnes() {
        Random rng = new Random(1);
        double[][] samples = new double[300][4];
        for (double[] row : samples) {
            row[0] = rng.nextGaussian();
            row[1] = rng.nextGaussian();
            row[2] = row[0] * 1.01;
            row[3] = 7;
        }
        double[] scores = InfiniteFeatureSelection.scores(samples);
        assertThat(scores[1]).isGreaterThan(scores[0]).isGreaterThan(scores[2]);
        assertThat(scores[3]).isLessThan(scores[0]).isLessThan(scores[2]);
    }

    /** Through LeNet-5 (pooling, flatten, ReLUs) every group gets finite, positive scores from the data. */
    @Test
    void everyGroupOfLenetIsScoredFromTheFinalResponses() {
        ImageDataset data = SyntheticImages.builder().setNumSamples(64).setShape(1, 28, 28).setNumClasses(10).build();
        try (Model model = Model.builder().setGraph(ModelZoo.build("lenet5", ZooOptions.fashionMnist().withWidth(0.5)))
                .optSeed(2).build()) {
            var groups = DependencyGraph.of(model.graph()).groups();
            Map<Group, float[]> scores = ChannelScores.of(model, ChannelCriteria.create("nisp", 0), groups,
                    new Calibration(DataLoader.builder().setDataset(data).setBatchSize(32).build(), 2));
            assertThat(scores).hasSize(groups.size());
            scores.forEach((g, s) -> {
                assertThat(s).as(g.root()).hasSize(g.size());
                double sum = 0;
                for (float v : s) {
                    assertThat(v).as(g.root()).isGreaterThanOrEqualTo(0f);
                    sum += v;
                }
                assertThat(sum).as(g.root()).isPositive();
            });
        }
    }

    private static double[] transposedAbsTimes(Model model, String linear, double[] out) {
        float[] w = model.parameter(linear, "weight").value().toFloatArray();
        int in = w.length / out.length;
        double[] result = new double[in];
        for (int o = 0; o < out.length; o++) {
            for (int j = 0; j < in; j++) {
                result[j] += Math.abs(w[o * in + j]) * out[o];
            }
        }
        return result;
    }

    private static void assertClose(double[] actual, double[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("index %d", i).isCloseTo(expected[i], within(1e-9 + 1e-9 * Math.abs(expected[i])));
        }
    }
}
