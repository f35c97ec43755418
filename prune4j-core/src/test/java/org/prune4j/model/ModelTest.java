package org.prune4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.train.Loss;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

class ModelTest {

    private static final Graph MOBILENET = ModelZoo.build("mobilenetv2", ZooOptions.fashionMnist().withWidth(0.5));

    @Test
    void channelsLastMemoryGivesTheSameOutputsAndGradientsAsContiguous() {
        Result fast = run(true);
        Result plain = run(false);
        for (int i = 0; i < plain.logits.length; i++) {
            assertThat((double) fast.logits[i]).isCloseTo(plain.logits[i], Offset.offset(1e-4));
        }
        for (Map.Entry<String, float[]> e : plain.gradients.entrySet()) {
            float[] other = fast.gradients.get(e.getKey());
            for (int i = 0; i < other.length; i++) {
                assertThat((double) other[i]).as(e.getKey()).isCloseTo(e.getValue()[i], Offset.offset(1e-3));
            }
        }
    }

    @Test
    void parametersAreAddressableByNodeAndName() {
        try (Model m = Model.builder().setGraph(MOBILENET).build()) {
            assertThat(m.parameter("blocks.0.depthwise.bn", "runningVar").trainable()).isFalse();
            assertThat(m.parameter("blocks.0.depthwise.conv", "weight").value().getShape().get(1)).isEqualTo(1);
            assertThatThrownBy(() -> m.parameter("blocks.0.depthwise.conv", "bias"))
                    .hasMessageContaining("weight");
            assertThat(m.parameterCount()).isEqualTo(org.prune4j.metrics.ModelSummary.of(MOBILENET).parameters());
        }
    }

    private record Result(float[] logits, Map<String, float[]> gradients) {}

    private static Result run(boolean channelsLast) {
        float[] input = new float[4 * 28 * 28];
        Random r = new Random(1);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) r.nextGaussian();
        }
        Engines.seed(9); // the same dropout masks in both runs
        try (Model m = Model.builder().setGraph(MOBILENET).optSeed(4).optChannelsLast(channelsLast).build();
                NDManager step = m.manager().newSubManager()) {
            NDArray x = Engines.create(step, input, new Shape(4, 1, 28, 28));
            NDArray y = Engines.create(step, new long[] {0, 1, 2, 3});
            float[] logits;
            try (GradientCollector gc = Engines.get().newGradientCollector()) {
                NDArray out = m.forward(x, true);
                logits = out.toFloatArray();
                gc.backward(Loss.crossEntropy(out, y));
            }
            Map<String, float[]> grads = new HashMap<>();
            for (Parameter p : m.trainableParameters()) {
                try (NDArray g = p.value().getGradient()) {
                    grads.put(p.fullName(), g.toFloatArray());
                }
            }
            return new Result(logits, grads);
        }
    }
}
