package org.prune4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prune4j.engine.Engines;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.util.Random;

@Tag("engine-paths")   // rerun under every oneDNN instruction-set cap (prune4j-parent pom)
class BatchNormFoldingTest {

    @ParameterizedTest
    @ValueSource(strings = {"resnet20", "mobilenetv2", "vgg11", "densenet"})
    void foldedModelGivesTheOriginalEvalOutputsWithFewerNodesInBothLayouts(String name) {
        float[] input = new float[3 * 28 * 28];
        Random r = new Random(2);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) r.nextGaussian();
        }
        Shape shape = new Shape(3, 1, 28, 28);
        try (Model model = Model.builder().setGraph(ModelZoo.build(name, ZooOptions.fashionMnist().withWidth(0.5)))
                .optSeed(1).build(); NDManager m = model.manager().newSubManager()) {
            // two training passes give every BN non-trivial running statistics
            model.forward(Engines.create(m, input, shape), true);
            model.forward(Engines.create(m, input, shape), true);
            float[] expected = model.forward(Engines.create(m, input, shape), false).toFloatArray();
            for (boolean channelsLast : new boolean[] {false, true}) {
            try (Model folded = BatchNormFolding.fold(model, channelsLast); NDManager fm = folded.manager().newSubManager()) {
                assertThat(folded.channelsLast()).isEqualTo(channelsLast);
                float[] actual = folded.forward(Engines.create(fm, input, shape), false).toFloatArray();
                for (int i = 0; i < expected.length; i++) {
                    assertThat((double) actual[i]).isCloseTo(expected[i], Offset.offset(1e-4 + 1e-4 * Math.abs(expected[i])));
                }
                long bnBefore = model.graph().nodes().stream().filter(n -> n.op() instanceof BatchNormOp).count();
                long bnAfter = folded.graph().nodes().stream().filter(n -> n.op() instanceof BatchNormOp).count();
                assertThat(bnAfter).isLessThan(bnBefore);
            }
            }
        }
    }
}
