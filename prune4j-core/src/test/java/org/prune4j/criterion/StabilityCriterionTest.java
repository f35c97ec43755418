package org.prune4j.criterion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.prune4j.data.DataLoader;
import org.prune4j.data.ImageDataset;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;

import java.util.Arrays;

class StabilityCriterionTest {

    /**
     * Two hidden units with the same weights and |bias|: on images of 0.5 the first one's
     * pre-activation (sum − 2) is 0, so any ball around them makes it unstable; the second's
     * (sum + 2) stays in [2, 6]. Magnitude cannot tell them apart (their fc1 rows, biases and fc2
     * columns are equal in size); stability can.
     */
    @Test
    void aStableUnitOutranksAnUnstableOneOfTheSameMagnitude() {
        float[] unstableThenStable = scores(0.05);
        assertThat(unstableThenStable[0]).isZero();
        assertThat(unstableThenStable[1]).isPositive();
        float[] noBall = scores(0);
        assertThat(noBall[0]).as("without a ball every unit is stable: magnitude alone").isEqualTo(noBall[1]);
        assertThat(noBall[1]).isEqualTo(unstableThenStable[1]);
    }

    private static float[] scores(double epsilon) {
        Graph graph = Graph.builder().setInput("x", new Shape(1, 2, 2)).add("flat", new FlattenOp(), "x")
                .add("fc1", new LinearOp(2), "flat").add("relu", ActivationOp.relu(), "fc1")
                .add("fc2", new LinearOp(2), "relu").setOutput("fc2").build();
        try (Model model = Model.builder().setGraph(graph).build()) {
            model.parameter("fc1", "weight").setValue(model.manager().create(new float[] {1, 1, 1, 1, 1, 1, 1, 1},
                    new Shape(2, 4)));
            model.parameter("fc1", "bias").setValue(model.manager().create(new float[] {-2, 2}));
            // the group also holds the units' columns in fc2: make those equal too
            model.parameter("fc2", "weight").setValue(model.manager().create(new float[] {1, 1, 1, 1}, new Shape(2, 2)));
            float[] pixels = new float[8 * 4];
            Arrays.fill(pixels, 0.5f);
            ImageDataset halfGrey = new ImageDataset("grey", pixels, new int[8], 1, 2, 2, 2);
            Group fc1 = DependencyGraph.of(graph).groups().stream().filter(g -> g.root().equals("fc1")).findFirst()
                    .orElseThrow();
            StabilityCriterion criterion = new StabilityCriterion(epsilon);
            criterion.calibrate(model, java.util.List.of(fc1),
                    new Calibration(DataLoader.builder().setDataset(halfGrey).setBatchSize(4).build(), 2));
            return criterion.score(model, fc1);
        }
    }
}
