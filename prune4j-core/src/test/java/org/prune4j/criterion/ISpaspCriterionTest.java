package org.prune4j.criterion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.prune4j.data.DataLoader;
import org.prune4j.data.SyntheticImages;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

class ISpaspCriterionTest {

    private static final int[] PLANTED = {2, 5, 9};

    /**
     * The output of the hidden layer's reader depends on three planted neurons; two pairs of
     * decoys have the largest weights but cancel (same input weights, outgoing weights +10 and
     * −10); the rest are weak. The pursuit ranks the planted neurons first, where weight
     * magnitude (l2) ranks the decoys first.
     */
    @Test
    void thePursuitRecoversAPlantedSparseSetOfChannels() {
        Graph graph = Graph.builder().setInput("x", new Shape(1, 4, 4))
                .add("flat", new FlattenOp(), "x")
                .add("hidden", new LinearOp(12))
                .add("out", new LinearOp(5))
                .build();
        try (Model model = Model.builder().setGraph(graph).optSeed(1).build()) {
            float[] in = new float[12 * 16];
            int[] inputOf = {0, 0, 2, 1, 1, 3, 5, 6, 7, 4, 8, 9};   // neurons 0,1 and 3,4 are twins
            for (int h = 0; h < 12; h++) {
                in[h * 16 + inputOf[h]] = 1;
            }
            float[] out = new float[5 * 12];
            Random rng = new Random(3);
            for (int o = 0; o < 5; o++) {
                for (int h = 0; h < 12; h++) {
                    out[o * 12 + h] = 0.05f * (float) rng.nextGaussian();
                }
                for (int h : PLANTED) {
                    out[o * 12 + h] = (o + h) % 2 == 0 ? 1 : -1;
                }
                out[o * 12] = out[o * 12 + 3] = 10;
                out[o * 12 + 1] = out[o * 12 + 4] = -10;
            }
            model.parameter("hidden", "weight").setValue(Engines.create(model.manager(), in, new Shape(12, 16)));
            model.parameter("hidden", "bias").setValue(model.manager().zeros(new Shape(12)));
            model.parameter("out", "weight").setValue(Engines.create(model.manager(), out, new Shape(5, 12)));
            List<Group> groups = DependencyGraph.of(model.graph()).groups();
            assertThat(groups).hasSize(1);
            Calibration data = new Calibration(DataLoader.builder().setDataset(SyntheticImages.builder()
                    .setNumSamples(256).setShape(1, 4, 4).setNumClasses(10).optSeed(4).build()).setBatchSize(64).build(), 4);
            float[] pursuit = ChannelScores.of(model, ChannelCriteria.create("i-spasp", 0), groups, data).get(groups.get(0));
            float[] l2 = ChannelScores.of(model, ChannelCriteria.create("l2", 0), groups, null).get(groups.get(0));
            Set<Integer> planted = Arrays.stream(PLANTED).boxed().collect(Collectors.toSet());
            assertThat(top(pursuit, 3)).as("i-spasp's first three, scores %s", Arrays.toString(pursuit)).isEqualTo(planted);
            assertThat(top(l2, 4)).as("l2's first four").isEqualTo(Set.of(0, 1, 3, 4));
        }
    }

    /** Scores are the pursuit order, (C − position) / C, from the Gram matrix alone. */
    @Test
    void scoresFollowThePursuitOrderOnTheGramMatrix() {
        // a0 = (1,0), a1 = (0,2), a2 = (1,1): y = (2,3); first a2 (|5|/√2 = 3.54 beats 2/1 and 6/2),
        // residual (1,2): a1 (4/2 = 2 beats 1/1), residual (1,0): a0
        double[][] gram = {{1, 0, 1}, {0, 4, 2}, {1, 2, 2}};
        double[] s = ISpaspCriterion.scoresByPursuit(gram);
        assertThat(s[2]).isCloseTo(1.0, within(1e-12));
        assertThat(s[1]).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(s[0]).isCloseTo(1 / 3.0, within(1e-12));
    }

    private static Set<Integer> top(float[] scores, int n) {
        return IntStream.range(0, scores.length).boxed()
                .sorted((a, b) -> Float.compare(scores[b], scores[a])).limit(n).collect(Collectors.toSet());
    }
}
