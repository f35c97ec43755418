package org.prune4j.criterion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.prune4j.data.DataLoader;
import org.prune4j.data.ImageDataset;
import org.prune4j.data.SyntheticImages;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;

import java.util.List;

class MaxEntropyPerturbationCriterionTest {

    /**
     * The decision reads unit 0 only (the output layer's column for unit 1 is zero), so
     * perturbing unit 1 cannot change it: its information is the estimator's floor, unit 0's is
     * the entropy of the decision, although both units carry the same value.
     */
    @Test
    void aUnitTheDecisionDoesNotReadCarriesNoInformationUnderIntervention() {
        ImageDataset data = SyntheticImages.builder().setNumSamples(1024).setShape(1, 4, 4).setNumClasses(2)
                .optSeed(2).build();
        Graph graph = Graph.builder().setInput("x", new Shape(1, 4, 4)).add("flat", new FlattenOp(), "x")
                .add("fc1", new LinearOp(2), "flat").add("relu", ActivationOp.relu(), "fc1")
                .add("fc2", new LinearOp(2), "relu").setOutput("fc2").build();
        try (Model model = Model.builder().setGraph(graph).optSeed(1).build()) {
            // both units are 1 on every input; logit 0 − logit 1 = 2·unit0 − 1, so a factor g on unit 0
            // changes the decision (class 0) iff g < 1/2 (a quarter of the draws): I = H(1/4) ≈ 0.56 nats
            model.parameter("fc1", "weight").setValue(model.manager().create(new float[2 * 16], new Shape(2, 16)));
            model.parameter("fc1", "bias").setValue(model.manager().create(new float[] {1f, 1f}));
            model.parameter("fc2", "weight").setValue(model.manager().create(new float[] {1, 0, -1, 0}, new Shape(2, 2)));
            model.parameter("fc2", "bias").setValue(model.manager().create(new float[] {-0.5f, 0.5f}));
            Group fc1 = DependencyGraph.of(graph).groups().stream().filter(g -> g.root().equals("fc1")).findFirst()
                    .orElseThrow();
            MaxEntropyPerturbationCriterion criterion = new MaxEntropyPerturbationCriterion(3);
            criterion.calibrate(model, List.of(fc1),
                    new Calibration(DataLoader.builder().setDataset(data).setBatchSize(128).build(), 8));
            float[] scores = criterion.score(model, fc1);
            double floor = (8 - 1) / (2.0 * 1024); // a two-valued outcome: changed or not
            assertThat((double) scores[1]).isLessThan(3 * floor);
            assertThat((double) scores[0]).isGreaterThan(0.5);
        }
    }
}
